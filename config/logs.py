"""What the console shows of the task worker: each task once, as it ends."""

import logging

# articles.publishing.delivery.sweep, named rather than imported: logging is set up
# before the apps are loaded.
MAIL_SWEEP = "articles.publishing.delivery.sweep"


class TaskOutcomes(logging.Filter):
    """Drops the worker's line for a task starting, since the line for its end says it
    all, and the minute's mail sweep unless it failed: the mail it sends shows itself."""

    def filter(self, record):
        if record.name != "django.tasks" or len(record.args or ()) != 3:
            return True
        _, path, state = record.args
        if state == "RUNNING":
            return False
        return not (path == MAIL_SWEEP and state == "SUCCESSFUL")
