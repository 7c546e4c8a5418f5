"""A paper's title from the words around its link: authors cut off, labels and list markers dropped."""

from __future__ import annotations

import pytest

from confarchive.reading.evidence import looks_like_title, title_from


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("Sparse Kites: Learning to Fly J.Q. Doe et al. ", "Sparse Kites: Learning to Fly"),
        ("Gradient Gardens for Robust Owls A. Smith and B.C. Jones", "Gradient Gardens for Robust Owls"),
        ("Wombat Transformers J. van Burrow et al.", "Wombat Transformers"),
        ("Adversarial Owl Regularization D.Night", "Adversarial Owl Regularization"),
        ("Co-Attentive Kites X.Y.. Doe and Q. Roe", "Co-Attentive Kites"),
        ("Sparse Kites: Learning to Fly. Jane Doe, John Roe. ", "Sparse Kites: Learning to Fly"),
        ("- Sparse Kites: Learning to Fly, J. Doe", "Sparse Kites: Learning to Fly"),
        ("3. **Sparse Kites: Learning to Fly** J. Doe", "Sparse Kites: Learning to Fly"),
        ("Paper: Sparse Kites: Learning to Fly", "Sparse Kites: Learning to Fly"),
        ('"Sparse Kites: Learning to Fly", Jane Doe and John Roe, 2020.', "Sparse Kites: Learning to Fly"),
        ("Sparse Kites: Learning to Fly [pdf]", "Sparse Kites: Learning to Fly"),
        ("Global Models of Source Code", "Global Models of Source Code"),  # a title's last word is kept
        ("Meta-Q-Flying J. Doe", "Meta-Q-Flying"),
        # two papers on one line, the link after the second: the second title
        (
            "Kites in the Wind A.B. Doe et al. Owls at Night C. Roe et al. ",
            "Owls at Night",
        ),
        ("", None),
        ("J. Doe et al.", None),
        ("pip install kites ## The URLs are of the form", None),
        ("## Sparse Kites: Learning to Fly", "Sparse Kites: Learning to Fly"),
        (
            "Doe, J. and Roe, B. (2020). Sparse kites: Learning to fly. In Proc. of Kites.",
            "Sparse kites: Learning to fly",
        ),
        (" ".join(["word"] * 45), None),
    ],
)
def test_title_from(segment: str, expected: str | None) -> None:
    assert title_from(segment) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sparse Kites: Learning to Fly", True),
        ("Meta-Q-Flying", True),
        ("pdf", False),
        ("[PDF]", False),
        ("arXiv", False),
        ("paper link", False),
        ("the code", False),
        ("https://arxiv.org/abs/2101.01234", False),
        ("www.example.org/paper", False),
        ("arXiv:2101.01234", False),
        ("Doe et al. (2020)", False),
        ("J. Doe", False),
        ("Kites", False),
    ],
)
def test_looks_like_title(text: str, expected: bool) -> None:
    assert looks_like_title(text) is expected
