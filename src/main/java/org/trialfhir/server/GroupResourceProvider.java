package org.trialfhir.server;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import java.util.Set;
import org.hl7.fhir.r4.model.Group;

/** Serves the trials' eligibility Groups: read, vread, {@code $validate}, search. */
public final class GroupResourceProvider extends ReadOnlyResourceProvider<Group> {

  GroupResourceProvider(ProviderContext context) {
    super(Group.class, context);
  }

  /** Searches eligibility Groups by their characteristics' codes and values. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenAndListParam id,
      @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
      @OptionalParam(name = "characteristic") TokenAndListParam characteristic,
      @OptionalParam(name = "value") TokenAndListParam value,
      @OptionalParam(name = "exclude") TokenAndListParam exclude,
      @OptionalParam(name = "actual") TokenAndListParam actual,
      @OptionalParam(name = "type") TokenAndListParam type,
      @Sort SortSpec sort,
      @IncludeParam(reverse = true, allow = {"ResearchStudy:enrollment"}) Set<Include> revIncludes) {
    return query()
        .where("_id", id)
        .where("_lastUpdated", lastUpdated)
        .where("characteristic", characteristic)
        .where("value", value)
        .where("exclude", exclude)
        .where("actual", actual)
        .where("type", type)
        .run(sort, null, revIncludes);
  }
}
