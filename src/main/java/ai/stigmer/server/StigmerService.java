package ai.stigmer.server;

import ai.stigmer.api.v1.HeartbeatRequest;
import ai.stigmer.api.v1.HeartbeatResponse;
import ai.stigmer.api.v1.ListWorkersRequest;
import ai.stigmer.api.v1.ListWorkersResponse;
import ai.stigmer.api.v1.RegisterWorkerRequest;
import ai.stigmer.api.v1.RegisterWorkerResponse;
import ai.stigmer.api.v1.StigmerGrpc;
import ai.stigmer.api.v1.Worker;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;

/** The Stigmer API of {@code stigmer.proto}: workers register, then heartbeat. */
final class StigmerService extends StigmerGrpc.StigmerImplBase {
    private final WorkerRegistry registry;
    private final Duration heartbeatInterval;

    StigmerService(WorkerRegistry registry, Duration heartbeatInterval) {
        this.registry = registry;
        this.heartbeatInterval = heartbeatInterval;
    }

    @Override
    public void registerWorker(RegisterWorkerRequest request, StreamObserver<RegisterWorkerResponse> response) {
        if (request.getName().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("name is empty").asRuntimeException());
            return;
        }
        String id = registry.register(request.getName());
        System.out.println("stigmer-server: worker " + request.getName() + " registered as " + id);
        response.onNext(RegisterWorkerResponse.newBuilder()
                .setWorkerId(id)
                .setHeartbeatIntervalMs(heartbeatInterval.toMillis())
                .build());
        response.onCompleted();
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
        response.onNext(HeartbeatResponse.newBuilder().setKnown(registry.heartbeat(request.getWorkerId())).build());
        response.onCompleted();
    }

    @Override
    public void listWorkers(ListWorkersRequest request, StreamObserver<ListWorkersResponse> response) {
        ListWorkersResponse.Builder out = ListWorkersResponse.newBuilder();
        for (WorkerRegistry.Entry e : registry.list()) {
            out.addWorkers(Worker.newBuilder()
                    .setWorkerId(e.workerId())
                    .setName(e.name())
                    .setHeartbeats(e.heartbeats())
                    .setMillisSinceLastHeartbeat(e.millisSinceLastHeartbeat()));
        }
        response.onNext(out.build());
        response.onCompleted();
    }
}
