"""The extraction stages, in pipeline order: ``segment`` (sentences, paragraphs, quote spans),
``mentions`` and ``attribution`` (speakers and sources, shared by quotes and claims), ``quotes``,
``numbers`` (counts and qualifiers) and ``claims`` (casualty claims)."""
