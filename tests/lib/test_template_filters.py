from dpm.templatetags.dpm import field_label, figure


def test_figures_and_labels_read_like_people_write_them():
    assert figure(120000.0) == "120,000"
    assert figure(0.85) == "0.85"
    assert figure(56.7) == "56.7"
    assert figure("XL") == "XL"
    assert figure(None) == "—"
    assert field_label("run_cost_yearly") == "Run cost yearly"
