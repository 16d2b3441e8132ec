package org.trialfhir.server;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.UriAndListParam;
import java.util.Set;
import org.hl7.fhir.r4.model.ActivityDefinition;

/** Serves the protocols' ActivityDefinitions (products and doses): read, vread, {@code $validate}, search. */
public final class ActivityDefinitionResourceProvider extends ReadOnlyResourceProvider<ActivityDefinition> {

  ActivityDefinitionResourceProvider(ProviderContext context) {
    super(ActivityDefinition.class, context);
  }

  /** Searches activity definitions. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenAndListParam id,
      @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
      @OptionalParam(name = "url") UriAndListParam url,
      @OptionalParam(name = "name") StringAndListParam name,
      @OptionalParam(name = "title") StringAndListParam title,
      @OptionalParam(name = "status") TokenAndListParam status,
      @Sort SortSpec sort,
      @IncludeParam(reverse = true, allow = {"PlanDefinition:definition"}) Set<Include> revIncludes) {
    return query()
        .where("_id", id)
        .where("_lastUpdated", lastUpdated)
        .where("url", url)
        .where("name", name)
        .where("title", title)
        .where("status", status)
        .run(sort, null, revIncludes);
  }
}
