// Validates Kubernetes objects against the upstream API schemas with the kubernetes-models package.
// Usage: NODE_PATH=<prefix>/node_modules node validate-manifests.js OBJECTS.json
// OBJECTS.json holds a JSON array of objects. Prints "valid: Kind/name" for each; on the first
// invalid one prints "invalid: Kind/name: <what the validator says>" and exits 1.
'use strict';
const fs = require('fs');

const objects = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
for (const object of objects) {
  const id = `${object.kind}/${object.metadata && object.metadata.name}`;
  // apiVersion v1 lives in kubernetes-models/v1, apps/v1 in kubernetes-models/apps/v1.
  let Model;
  try {
    Model = require(`kubernetes-models/${object.apiVersion}`)[object.kind];
  } catch (e) {
    Model = undefined;
  }
  if (typeof Model !== 'function') {
    console.log(`invalid: ${id}: no model for apiVersion ${object.apiVersion}, kind ${object.kind}`);
    process.exit(1);
  }
  try {
    new Model(object).validate();
  } catch (e) {
    console.log(`invalid: ${id}: ${e.message}`);
    process.exit(1);
  }
  console.log(`valid: ${id}`);
}
