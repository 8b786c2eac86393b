"""Exercise availability: a CronJob that checks the student's Services with wget every minute."""

from __future__ import annotations

from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import Check, CronJobRan, Running, Runs, Section

CRONJOB = Running("busybox", kind="CronJob", name="availability-test")


def spiders(words: list[str]) -> str | None:
    text = " ".join(words)
    return None if "wget" in text and "--spider" in text else "it does not check with wget --spider"


SECTION = Section("availability", "Availability CronJob", (
    Check("cronjob", "A busybox CronJob checks with wget --spider", Runs(CRONJOB, spiders)),
    Check("ran", "A Job of it completed", CronJobRan(CRONJOB)),
))
