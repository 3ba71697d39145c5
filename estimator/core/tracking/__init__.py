"""Tracking a training run (pure): its steady step time, warm-up and drift (``step_times``), and the whole run
predicted from its first steps and measured power, with an 80% range (``predict``). ``estimator.monitor.track``
measures; this package predicts."""
