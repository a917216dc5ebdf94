"""Login, logout and failed-login events into the audit log. (Filled in by the audit work.)"""
