"""What an output is made from: the models' revisions and the runtime, for the batch fingerprint.

An article is done again when its input or its fingerprint changes (``Settings.output_fingerprint``
over what this module gathers): settings, model revisions as resolved after download, the
runtime, the glossary's and the memory's content, and warta's version.
"""

from models.hub import known_revision
from pipeline.orchestrator import Warta


def model_revisions(warta: Warta) -> dict[str, str]:
    """The revision of every model the run uses, and the runtime, for the output fingerprint.

    A local folder and a cached hub model are fingerprinted without loading. A hub model not
    downloaded yet is loaded (downloaded) first: fingerprinting it as "not downloaded" would
    make the next run, which finds it cached, redo every article. The runtime (backend, device,
    compute type) is included because it changes the output too.

    Raises:
        ModelError: a model that is not cached cannot be loaded.
    """
    from models.devices import resolve_device

    revisions = {"runtime": f"{warta.pool.backend}:{resolve_device(warta.settings.device)}:{warta.settings.compute_type}"}
    if warta.glossary is not None:
        revisions["glossary"] = warta.glossary.sha256  # a changed glossary changes the flags
    if warta.memory is not None:
        # a grown or corrected memory redoes the articles, so those it now covers take it
        revisions["memory"] = f"{len(warta.memory)}:{warta.memory.digest()}"
    pairs = _pairs_used(warta)
    for pair in pairs:
        warta.pool.is_chat(pair)  # every model's config read first: a folder that is no model is one line at once
    for pair in pairs:
        name = warta.pool.models[pair]
        revision = known_revision(name)
        if revision is None:
            translator = warta.pool.get(pair)
            # Read back from the cache as the next run will; the loaded revision when there is none.
            revision = known_revision(name) or translator.info.revision
        revisions[pair] = f"{name}@{revision}"
    if warta.settings.summary == "abstractive":
        name = warta.pool.summarizer_name
        revisions["summarizer"] = f"{name}@{known_revision(name) or warta.pool.summarizer().info.revision}"
    return revisions


def _pairs_used(warta: Warta) -> list[str]:
    return warta.pool.plan(warta.settings.targets).pairs()
