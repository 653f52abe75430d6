"""One project's flows with every outside thing handed in: load and check, deliver once,
reconcile what is due, admin alerts, doctor, template workbooks. A project's error
becomes its outcome.
"""
