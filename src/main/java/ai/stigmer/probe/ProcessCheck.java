package ai.stigmer.probe;

/** {@code process}: the instance's process is alive and not a zombie. */
public final class ProcessCheck implements Check {
    @Override
    public String describe() {
        return "process";
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public CheckResult run(CheckContext context) {
        return context.instance().isAlive()
                ? CheckResult.pass()
                : CheckResult.fail("process " + context.instance().pid() + " is not running");
    }
}
