package org.trialfhir.server;

import org.trialfhir.server.search.SearchParams;
import org.trialfhir.store.TrialStore;

/** What the resource providers share: the store, the search parameters over it, and {@code $validate}. */
record ProviderContext(TrialStore store, SearchParams search, ResourceValidation validation) {}
