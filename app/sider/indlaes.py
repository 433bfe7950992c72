"""Indlæs: upload minutes; each file is ingested on its own, so one that fails
shows its error and the others are kept. New meetings are searchable at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sprog
import streamlit as st
from common import PAGES, danish, settings

import raadsgraf
from raadsgraf import RaadsgrafError, ingest

TYPES = ["pdf", "html", "htm", "json", "txt", "md", "docx"]

st.title("Indlæs referater")
cfg = settings()
store = Path(cfg.store)
st.caption(
    "Referater, dagsordener og strategier som PDF, HTML, JSON (FirstAgenda), TXT eller DOCX. "
    "De kan søges i, så snart de er indlæst."
)
with st.expander("Om data"):
    st.markdown(
        f"Filerne gemmes i `{store / 'uploads'}` og indlæses i grafen og søgeindekset i `{store}`."
    )


def what(path: Path) -> str:
    """What a file held, in words: "1 møde med 7 punkter", "strategien «…»"."""
    try:
        doc = raadsgraf.parse_file(path)
    except RaadsgrafError:
        return "ukendt indhold"
    parts = []
    if doc.meetings:
        parts.append(
            f"{sprog.count(len(doc.meetings), 'møde')} med {sprog.count(doc.item_count, 'punkt')}"
        )
    parts += [f"«{p.title}»" for p in doc.policies]
    return ", ".join(parts) or "intet at vise"


files = st.file_uploader("Vælg filer", type=TYPES, accept_multiple_files=True, key="filer")
if files and st.button("Indlæs", type="primary", icon=":material/upload_file:"):
    uploads = store / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    bar = st.progress(0.0, text="Indlæser …")
    done: list[str] = []
    for i, f in enumerate(files, start=1):
        data = f.getvalue()
        # The file stays where the store can read it again (sections, attachments);
        # the hash in its name keeps two uploads of one name apart.
        target = uploads / f"{hashlib.sha256(data).hexdigest()[:12]}-{Path(f.name).name}"
        bar.progress((i - 1) / len(files), text=f"Indlæser {f.name} ({i}/{len(files)}) …")
        try:
            target.write_bytes(data)
            report = ingest([target], cfg, progress=False)
        except RaadsgrafError as exc:
            st.error(f"{f.name}: {danish(str(exc).replace(str(target), f.name))}")
            target.unlink(missing_ok=True)
            continue
        if report.failures:
            for failure in report.failures:
                # name the file as the user knows it, not by its stored copy
                message = danish(failure.message.replace(str(target), f.name))
                st.error(message if message.startswith(f.name) else f"{f.name}: {message}")
            target.unlink(missing_ok=True)
            continue
        if report.unchanged:
            st.info(f"{f.name}: allerede indlæst, uændret.")
        else:
            st.success(f"{f.name}: indlæst ({what(target)}).")
            done.append(f.name)
    bar.progress(1.0, text=f"Færdig: {len(done)} af {len(files)} filer indlæst.")
    if done:
        st.page_link(PAGES["soeg"], label="Søg i de nye referater", icon=":material/search:")
