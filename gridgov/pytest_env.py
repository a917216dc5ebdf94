"""Loaded by pytest before Django (`-p gridgov.pytest_env` in pyproject.toml): test environment defaults."""

import os

# Tests run with the demo posture (generated secret key, no second factor by default) and a
# throwaway data directory unless the caller chose one.
os.environ.setdefault("GRIDGOV_DEMO", "1")
# Live-server threads would keep persistent connections open past the test database's teardown.
os.environ.setdefault("GRIDGOV_DB_CONN_MAX_AGE", "0")
# Tests see the effects of a commit at once: notifications sent in the request, every commit
# sealed. The queued and throttled paths have tests of their own.
os.environ.setdefault("GRIDGOV_CASE_NOTIFY_IN_BACKGROUND", "0")
os.environ.setdefault("GRIDGOV_AUDIT_SEAL_INTERVAL_SECONDS", "0")
if "GRIDGOV_DATA_DIR" not in os.environ:
    import tempfile

    os.environ["GRIDGOV_DATA_DIR"] = tempfile.mkdtemp(prefix="gridgov-test-")
os.makedirs(os.path.join(os.environ["GRIDGOV_DATA_DIR"], "static"), exist_ok=True)
