package ai.stigmer.daemon;

/**
 * Told when a reload begins and when it ends, whatever its outcome: where a service manager is
 * told that the daemon reloads ({@code RELOADING=1}) and is ready again ({@code READY=1}).
 */
public interface ReloadHook {
    ReloadHook NONE = new ReloadHook() {
        @Override public void reloading() {}
        @Override public void reloaded() {}
    };

    /** The config is about to be read; nothing has changed yet. */
    void reloading();

    /** The reload is over: applied, refused or failed. */
    void reloaded();
}
