"""The stories nearest an article by meaning: story centroids as rows of one half-precision matrix.

With 100,000 live stories the search reads the whole matrix for every article, so it is bound by memory, not by
arithmetic: float32 rows took 16 ms an article on this 2-core machine, float16 rows through torch's
half-precision product 6 ms (numpy has no fast float16 product). Half precision is enough to pick candidates;
they are scored again from the stories' float32 sums. torch is imported on first use: listing stories or
tracking them without embeddings does not pay for it.
"""

from __future__ import annotations

import numpy as np


class MeaningIndex:
    def __init__(self):
        self._rows = None  # torch.float16 (capacity, dims), made on the first row
        self._labels: list[str | None] = []  # each row handed out so far: what it holds (None once cleared)
        self._free: list[int] = []  # cleared rows (zeros), handed out again before new ones

    def add(self, label: str, vector: np.ndarray) -> int:
        """A row holding `vector` for `label` (a cleared one if any, else a new one); returns its number."""
        if self._free:
            row = self._free.pop()
            self._labels[row] = label
        else:
            row = self._new_row(vector.shape[0])
            self._labels.append(label)
        self.put(row, vector)
        return row

    def _new_row(self, dims: int) -> int:
        import torch

        used = len(self._labels)
        if self._rows is None or used == len(self._rows):
            grown = torch.zeros((max(64, 2 * used), dims), dtype=torch.float16)
            if used:
                grown[:used] = self._rows[:used]
            self._rows = grown
        return used

    def put(self, row: int, vector: np.ndarray) -> None:
        import torch

        self._rows[row] = torch.from_numpy(np.asarray(vector, dtype=np.float32))

    def clear(self, row: int) -> None:
        self._rows[row] = 0
        self._labels[row] = None
        self._free.append(row)

    def nearest(self, vector: np.ndarray, count: int) -> list[str]:
        """The labels of the `count` rows most like `vector` (unit vectors: the largest dot products), best first;
        cleared rows among them are left out."""
        used = len(self._labels)
        if not used:
            return []
        import torch

        query = torch.from_numpy(np.array(vector, dtype=np.float32)).to(torch.float16)  # a copy: may be read-only
        with torch.inference_mode():
            rows = torch.topk(self._rows[:used] @ query, min(count, used)).indices.tolist()
        return [self._labels[row] for row in rows if self._labels[row] is not None]
