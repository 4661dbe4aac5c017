from django.urls import path

from discovery.views import hypotheses, interviews, personas, whys

app_name = "discovery"

PRODUCT = "products/<slug:slug>/discovery/"

urlpatterns = [
    path(PRODUCT, interviews.workspace, name="workspace"),
    path(f"{PRODUCT}tags/", interviews.tag_options, name="tag_options"),
    # Interviews and their insights
    path(f"{PRODUCT}interviews/new/", interviews.interview_new, name="interview_new"),
    path(f"{PRODUCT}interviews/<int:pk>/", interviews.interview_detail, name="interview"),
    path(f"{PRODUCT}interviews/<int:pk>/edit/", interviews.interview_edit, name="interview_edit"),
    path(
        f"{PRODUCT}interviews/<int:pk>/notes/", interviews.interview_notes, name="interview_notes"
    ),
    path(
        f"{PRODUCT}interviews/<int:pk>/insights/",
        interviews.insight_create,
        name="insight_create",
    ),
    path(
        f"{PRODUCT}interviews/<int:pk>/insights/<int:insight_pk>/delete/",
        interviews.insight_remove,
        name="insight_remove",
    ),
    # Hypotheses and their evidence; the assumption map
    path(f"{PRODUCT}hypotheses/new/", hypotheses.hypothesis_new, name="hypothesis_new"),
    path(f"{PRODUCT}hypotheses/preview/", hypotheses.hypothesis_preview, name="hypothesis_preview"),
    path(f"{PRODUCT}hypotheses/<int:pk>/", hypotheses.hypothesis_detail, name="hypothesis"),
    path(f"{PRODUCT}hypotheses/<int:pk>/edit/", hypotheses.hypothesis_edit, name="hypothesis_edit"),
    path(
        f"{PRODUCT}hypotheses/<int:pk>/status/",
        hypotheses.hypothesis_status,
        name="hypothesis_status",
    ),
    path(
        f"{PRODUCT}hypotheses/<int:pk>/evidence/",
        hypotheses.evidence_add,
        name="evidence_add",
    ),
    path(
        f"{PRODUCT}hypotheses/<int:pk>/evidence/<int:evidence_pk>/delete/",
        hypotheses.evidence_remove,
        name="evidence_remove",
    ),
    path(
        f"{PRODUCT}hypotheses/<int:pk>/evidence/candidates/",
        hypotheses.evidence_candidates,
        name="evidence_candidates",
    ),
    path(f"{PRODUCT}assumptions/", hypotheses.assumption_map, name="assumption_map"),
    # Five Whys
    path(f"{PRODUCT}whys/", whys.chain_list, name="whys"),
    path(f"{PRODUCT}whys/new/", whys.chain_new, name="why_chain_new"),
    path(f"{PRODUCT}whys/<int:pk>/", whys.chain_detail, name="why_chain"),
    path(f"{PRODUCT}whys/<int:pk>/edit/", whys.chain_edit, name="why_chain_edit"),
    path(f"{PRODUCT}whys/<int:pk>/whys/", whys.why_add, name="why_add"),
    path(f"{PRODUCT}whys/<int:pk>/whys/<int:why_pk>/move/", whys.why_move, name="why_move"),
    path(f"{PRODUCT}whys/<int:pk>/whys/<int:why_pk>/delete/", whys.why_remove, name="why_remove"),
    path(
        f"{PRODUCT}whys/<int:pk>/roadmap-item/", whys.chain_to_roadmap_item, name="why_chain_item"
    ),
    # Personas
    path(f"{PRODUCT}personas/", personas.persona_list, name="personas"),
    path(f"{PRODUCT}personas/new/", personas.persona_new, name="persona_new"),
    path(f"{PRODUCT}personas/<int:pk>/edit/", personas.persona_edit, name="persona_edit"),
    path(f"{PRODUCT}personas/<int:pk>/delete/", personas.persona_remove, name="persona_remove"),
]
