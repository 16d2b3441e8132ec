package org.trialfhir.server;

import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.UriAndListParam;
import org.hl7.fhir.r4.model.Resource;

/**
 * Serves one terminology type — CodeSystem and ValueSet (profiles/) or ConceptMap (mappings/): read, vread,
 * {@code $validate}, and the same search parameters for all three.
 */
public final class TerminologyResourceProvider<T extends Resource> extends ReadOnlyResourceProvider<T> {

  TerminologyResourceProvider(Class<T> type, ProviderContext context) {
    super(type, context);
  }

  /** Searches resources of this provider's type. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenAndListParam id,
      @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
      @OptionalParam(name = "url") UriAndListParam url,
      @OptionalParam(name = "name") StringAndListParam name,
      @OptionalParam(name = "title") StringAndListParam title,
      @OptionalParam(name = "status") TokenAndListParam status,
      @OptionalParam(name = "version") TokenAndListParam version,
      @Sort SortSpec sort) {
    return query()
        .where("_id", id)
        .where("_lastUpdated", lastUpdated)
        .where("url", url)
        .where("name", name)
        .where("title", title)
        .where("status", status)
        .where("version", version)
        .run(sort, null, null);
  }
}
