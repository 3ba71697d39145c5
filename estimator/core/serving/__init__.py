"""Serving (the user's word is "inference": the ``inference`` command, the Inference page): time, memory and energy
per output token and in total; the engines, the node at the wall, compression.

The layers above: ``estimator.services.serving.inference`` (the ``inference`` use case) with ``services.serving.words``
and ``services.serving.accuracy``, the fits in ``estimator.fit`` (``serving_fit``, ``serving_mlperf``), the data in
``estimator.io.serving_data``, the exports in ``estimator.report.serving_export``, the command in
``estimator.cli.inference_cmd``, the page in ``app_pages/pages/inference.py`` (docs/reference/project-layout.md)."""
