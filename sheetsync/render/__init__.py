"""The emails as text and HTML: sentences (``phrases``) and the Jinja2 wiring (``emails``)
over the core's report and reminder models. Pure.
"""
