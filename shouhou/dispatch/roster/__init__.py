"""Duty rosters (值班表, P2.2, P14.11): who is on call when, and whether a plan's round-the-clock
promises have somebody on duty (coverage gaps shown and announced before they happen).

Its own package (models, pure coverage arithmetic, services, forms, views, API, URLs);
dispatch's models module imports the models so Django finds them.
"""


def connect() -> None:
    """At start-up (DispatchConfig.ready): the dashboard panel of coverage gaps and who is on duty."""
    from shouhou.core.hooks import register_dashboard

    from .views import dashboard_panel

    register_dashboard(dashboard_panel)
