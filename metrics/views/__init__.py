"""Views of a product's metrics page, one module per section: the Definition of Done, KPIs and
their measurements, service levels, experiments (one views.py for all four would be hard to
read). `page` assembles the page from each section's context function."""
