"""Views of a product's adoption page, one module per concern: the page and how a section answers
a write (page), weekly usage (usage), the barrier board (barriers), enablement assets and
feedback (enablement)."""
