"""Events: who did what to whom, how sure, and on whose word (PLOVER coder with modality, quantities, quotes)."""

from redline.events.coder import CODER_VERSION, Coded, Coder, load_nlp

__all__ = ["CODER_VERSION", "Coded", "Coder", "load_nlp"]
