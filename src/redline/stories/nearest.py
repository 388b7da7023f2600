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
        self.used = 0  # rows handed out so far: the search reads these
        self._free: list[int] = []  # cleared rows (zeros), handed out again before new ones

    def add(self, vector: np.ndarray) -> int:
        """A row holding `vector` (a cleared one if any, else a new one); returns its number."""
        if self._free:
            row = self._free.pop()
            self.put(row, vector)
            return row
        import torch

        capacity = 0 if self._rows is None else len(self._rows)
        if self.used == capacity:
            grown = torch.zeros((max(64, 2 * capacity), vector.shape[0]), dtype=torch.float16)
            if self.used:
                grown[: self.used] = self._rows[: self.used]
            self._rows = grown
        self.used += 1
        self.put(self.used - 1, vector)
        return self.used - 1

    def put(self, row: int, vector: np.ndarray) -> None:
        import torch

        self._rows[row] = torch.from_numpy(np.asarray(vector, dtype=np.float32))

    def clear(self, row: int) -> None:
        self._rows[row] = 0
        self._free.append(row)

    def nearest(self, vector: np.ndarray, count: int) -> list[int]:
        """The rows most like `vector` (unit vectors: the largest dot products), best first."""
        if not self.used:
            return []
        import torch

        query = torch.from_numpy(np.asarray(vector, dtype=np.float32)).to(torch.float16)
        with torch.inference_mode():
            sims = self._rows[: self.used] @ query
            return torch.topk(sims, min(count, self.used)).indices.tolist()
