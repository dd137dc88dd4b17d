"""Answers and the library as a cell sees them: which documents a member may open (`library`),
and what members say about an answer (`feedback`). Composing the answer itself lives in
`index.answer`, shared by `chibo search`, `chibo chat` and the bot; the sentences are in
`texts`."""
