"""Every scheduled job, in the order ``sheetsync run`` does them for a project."""

from __future__ import annotations

from sheetsync.jobs import check, remind, weekly_report
from sheetsync.shell.reconcile import Job

JOBS: tuple[Job, ...] = (check.JOB, weekly_report.JOB, remind.JOB)
