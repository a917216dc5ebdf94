def navigation(request):
    """Template context shared by every page (filled in by the web work)."""
    return {}
