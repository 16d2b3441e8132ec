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
import java.util.Set;
import org.hl7.fhir.r4.model.Practitioner;

/** Serves investigators as Practitioners: read, vread, {@code $validate}, search. */
public final class PractitionerResourceProvider extends ReadOnlyResourceProvider<Practitioner> {

  PractitionerResourceProvider(ProviderContext context) {
    super(Practitioner.class, context);
  }

  /** Searches investigators by name. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenAndListParam id,
      @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
      @OptionalParam(name = "name") StringAndListParam name,
      @Sort SortSpec sort,
      @IncludeParam(reverse = true, allow = {"ResearchStudy:principalinvestigator"}) Set<Include> revIncludes) {
    return query()
        .where("_id", id)
        .where("_lastUpdated", lastUpdated)
        .where("name", name)
        .run(sort, null, revIncludes);
  }
}
