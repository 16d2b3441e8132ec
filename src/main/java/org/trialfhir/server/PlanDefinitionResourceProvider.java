package org.trialfhir.server;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.UriAndListParam;
import java.util.Set;
import org.hl7.fhir.r4.model.PlanDefinition;

/** Serves the trials' protocol PlanDefinitions: read, vread, {@code $validate}, search. */
public final class PlanDefinitionResourceProvider extends ReadOnlyResourceProvider<PlanDefinition> {

  PlanDefinitionResourceProvider(ProviderContext context) {
    super(PlanDefinition.class, context);
  }

  /** Searches protocols; {@code _include=PlanDefinition:definition} brings their ActivityDefinitions. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenAndListParam id,
      @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
      @OptionalParam(name = "url") UriAndListParam url,
      @OptionalParam(name = "name") StringAndListParam name,
      @OptionalParam(name = "title") StringAndListParam title,
      @OptionalParam(name = "status") TokenAndListParam status,
      @OptionalParam(name = "definition") ReferenceAndListParam definition,
      @Sort SortSpec sort,
      @IncludeParam(allow = {"PlanDefinition:definition"}) Set<Include> includes,
      @IncludeParam(reverse = true, allow = {"ResearchStudy:protocol"}) Set<Include> revIncludes) {
    return query()
        .where("_id", id)
        .where("_lastUpdated", lastUpdated)
        .where("url", url)
        .where("name", name)
        .where("title", title)
        .where("status", status)
        .where("definition", definition)
        .run(sort, includes, revIncludes);
  }
}
