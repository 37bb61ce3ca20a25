"""The reading order of an issue's texts, defined once.

The admin's footnote checks and the issue document both walk an issue's texts in
this order: the introduction, each question and its answer, then the body.
"""

from dataclasses import dataclass

INTRODUCTION, QUESTION, ANSWER, BODY = "introduction", "question", "answer", "body"


@dataclass(frozen=True)
class Passage:
    part: str
    #: The question's number (1, 2, …) for a question or an answer.
    number: int | None
    html: str

    @property
    def where(self):
        """Where the passage is, as an editor would say it: “the answer to question 2”."""
        if self.part == QUESTION:
            return f"question {self.number}"
        if self.part == ANSWER:
            return f"the answer to question {self.number}"
        return f"the {self.part}"

    @property
    def rich_text_kind(self):
        """Which editor (and so which sanitiser) the passage is written with."""
        return "note" if self.part == QUESTION else "prose"


def reading_order(*, introduction, questions, body):
    """The issue's passages in reading order. ``questions``: ``(question, answer)`` pairs in order."""
    passages = [Passage(INTRODUCTION, None, introduction or "")]
    for number, (question, answer) in enumerate(questions, start=1):
        passages.append(Passage(QUESTION, number, question or ""))
        passages.append(Passage(ANSWER, number, answer or ""))
    passages.append(Passage(BODY, None, body or ""))
    return passages
