package org.trialfhir.server;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.QuantityAndListParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import java.util.Set;
import org.hl7.fhir.r4.model.ResearchStudy;

/**
 * Serves ResearchStudy: read, vread, {@code $validate}, and search by the R4 parameters the studies populate and by
 * ours (condition, phase, enrollment, eligible-age, eligible-sex; profiles/SearchParameter-*.json).
 */
public final class ResearchStudyResourceProvider extends ReadOnlyResourceProvider<ResearchStudy> {

  ResearchStudyResourceProvider(ProviderContext context) {
    super(ResearchStudy.class, context);
  }

  /** Searches studies; every parameter is described by its SearchParameter (see the CapabilityStatement). */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenAndListParam id,
      @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
      @OptionalParam(name = "_content") StringAndListParam content,
      @OptionalParam(name = "identifier") TokenAndListParam identifier,
      @OptionalParam(name = "title") StringAndListParam title,
      @OptionalParam(name = "status") TokenAndListParam status,
      @OptionalParam(name = "keyword") TokenAndListParam keyword,
      @OptionalParam(name = "category") TokenAndListParam category,
      @OptionalParam(name = "focus") TokenAndListParam focus,
      @OptionalParam(name = "condition") TokenAndListParam condition,
      @OptionalParam(name = "phase") TokenAndListParam phase,
      @OptionalParam(name = "date") DateAndListParam date,
      @OptionalParam(name = "site") ReferenceAndListParam site,
      @OptionalParam(name = "sponsor") ReferenceAndListParam sponsor,
      @OptionalParam(name = "principalinvestigator") ReferenceAndListParam principalInvestigator,
      @OptionalParam(name = "protocol") ReferenceAndListParam protocol,
      @OptionalParam(name = "enrollment") ReferenceAndListParam enrollment,
      @OptionalParam(name = "eligible-age") QuantityAndListParam eligibleAge,
      @OptionalParam(name = "eligible-sex") TokenAndListParam eligibleSex,
      @Sort SortSpec sort,
      @IncludeParam(allow = {
            "ResearchStudy:protocol", "ResearchStudy:enrollment", "ResearchStudy:site", "ResearchStudy:sponsor",
            "ResearchStudy:principalinvestigator", "PlanDefinition:definition"
          }) Set<Include> includes) {
    return query()
        .where("_id", id)
        .where("_lastUpdated", lastUpdated)
        .where("_content", content)
        .where("identifier", identifier)
        .where("title", title)
        .where("status", status)
        .where("keyword", keyword)
        .where("category", category)
        .where("focus", focus)
        .where("condition", condition)
        .where("phase", phase)
        .where("date", date)
        .where("site", site)
        .where("sponsor", sponsor)
        .where("principalinvestigator", principalInvestigator)
        .where("protocol", protocol)
        .where("enrollment", enrollment)
        .where("eligible-age", eligibleAge)
        .where("eligible-sex", eligibleSex)
        .run(sort, includes, null);
  }
}
