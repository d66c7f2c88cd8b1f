"""Names on a map without collisions: a greedy placement in display points.

Names are placed one by one, most important first (ports and origins, then the other nodes, then
countries and seas); each takes the first of its candidate places (right, above, left, below, the
diagonals; then the same farther out) whose box overlaps no name or marker already placed and lies inside the axes. A name
with no free place is left out rather than drawn over another: a map with fewer names beats a
map whose names strike each other through. Works in display points, so the figure's layout must
be done first (`Figure.draw_without_rendering`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

GAP = 5.0   # points between a marker and its name
FAR = 22.0  # a second try, farther out: clear of the ring around the top bottleneck
# (offset direction x, y; horizontal and vertical alignment): right first, it reads best beside a marker
AROUND = [((1, 0), "left", "center"), ((0, 1), "center", "bottom"), ((-1, 0), "right", "center"),
          ((0, -1), "center", "top"), ((0.7, 0.7), "left", "bottom"), ((-0.7, -0.7), "right", "top"),
          ((0.7, -0.7), "left", "top"), ((-0.7, 0.7), "right", "bottom")]
# A country's or a sea's name: on its point, else nearby (in heights of the name) where no link runs.
CENTRED = [((dx, dy), "center", "center") for dx, dy in ((0, 0), (0, 1.6), (0, -1.6), (1.6, 0), (-1.6, 0),
                                                         (0, 3.2), (0, -3.2), (3.2, 1.6), (-3.2, 1.6), (3.2, -1.6),
                                                         (-3.2, -1.6), (0, 4.8), (0, -4.8))]

Box = tuple[float, float, float, float]


def text_size(text: str, size: float) -> tuple[float, float]:
    """The box a one-line name takes, in points (a typical sans-serif's mean advance; lines stacked)."""
    lines = text.split("\n")
    return max(len(line) for line in lines) * 0.58 * size + 2, 1.25 * size * len(lines)


def _overlap(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


@dataclass
class Placer:
    """The names of one axes, placed greedily; `taken` holds the boxes of what is already there."""

    ax: object
    taken: list[Box] = field(default_factory=list)
    lines: list[Box] = field(default_factory=list)   # small boxes along the links: kept clear by `clear_of_lines`
    placed: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    def _point(self, x: float, y: float) -> tuple[float, float]:
        px, py = self.ax.transData.transform((x, y))
        k = 72.0 / self.ax.figure.dpi
        return px * k, py * k

    def _frame(self) -> Box:
        k = 72.0 / self.ax.figure.dpi
        b = self.ax.get_window_extent()
        return b.x0 * k, b.y0 * k, b.x1 * k, b.y1 * k

    def block(self, x: float, y: float, radius: float = 4.0) -> None:
        """Keep the marker at (x, y) (data) clear of names."""
        px, py = self._point(x, y)
        self.taken.append((px - radius, py - radius, px + radius, py + radius))

    def block_line(self, points, width: float = 3.0, step: float = 6.0) -> None:
        """Keep a drawn line (data points) clear of the names placed with `clear_of_lines`: a box every
        `step` points along it, `width` points either side."""
        pts = [self._point(x, y) for x, y in points]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            n = max(1, int(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 / step))
            for i in range(n + 1):
                x, y = x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n
                self.lines.append((x - width, y - width, x + width, y + width))

    def place(self, text: str, x: float, y: float, size: float, candidates=None, clear_of_lines: bool = False,
              **style) -> bool:
        """Write `text` at the first free candidate place around (x, y) (data); False if none is free.
        `clear_of_lines`: not over a link either (a country's or a sea's name; a node's name may touch its links)."""
        w, h = text_size(text, size)
        px, py = self._point(x, y)
        fx0, fy0, fx1, fy1 = self._frame()
        tries = [(GAP, c) for c in AROUND] + [(FAR, c) for c in AROUND] if candidates is None else \
            [(h, c) for c in candidates]
        for gap, ((dx, dy), ha, va) in tries:
            ox, oy = dx * gap, dy * gap
            left = px + ox - {"left": 0.0, "center": w / 2, "right": w}[ha]
            bottom = py + oy - {"bottom": 0.0, "center": h / 2, "top": h}[va]
            box = (left, bottom, left + w, bottom + h)
            inside = fx0 <= box[0] and box[2] <= fx1 and fy0 <= box[1] and box[3] <= fy1
            blocked = self.taken + self.lines if clear_of_lines else self.taken
            if inside and not any(_overlap(box, t) > 0 for t in blocked):
                self.taken.append(box)
                self.placed.append(text)
                self.ax.annotate(text, (x, y), xytext=(ox, oy), textcoords="offset points", ha=ha, va=va,
                                 fontsize=size, **style)
                return True
        self.left_out.append(text)
        return False
