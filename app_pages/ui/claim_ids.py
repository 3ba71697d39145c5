"""The lecture's claims by their link ids (``/lecture?claim=…``), in the lecture's order: the one list that
both the Lecture page (which draws each claim) and every page's lecture mode (``common.is_lecture``) read."""

CLAIM_IDS = ("gpt3-v100", "brain-alphago", "imagenet-compute", "compute-growth", "memory-wall", "compression",
             "world-electricity")
