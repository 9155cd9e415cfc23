def post_init_hook(env):
    """With demo data, give the demo cases their past (demo/demo_history.py). The hook runs
    after the module's data and demo files, in their transaction; the module's ``demo`` flag
    is set by then, False when the demo data was not loaded or failed to load."""
    if env.ref("base.module_crm_service").demo:
        # imported here: production code never loads the demo's
        from .demo import demo_history

        demo_history.load(env)
