"""What warta knows about models: families, loading, devices and inference backends.

The pipeline asks for a translator by language pair and gets an object with one
``translate()`` method; everything model-specific (Marian target tokens, NLLB's forced BOS
language token, M2M100's ``get_lang_id``, weights formats, hub revisions, devices) stays here.
"""
