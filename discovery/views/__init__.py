"""Views of the discovery workspace, one module per thing a PM works on (the app is large enough
that one views.py would be hard to read): interviews and insights, hypotheses and evidence, Five
Whys, personas."""
