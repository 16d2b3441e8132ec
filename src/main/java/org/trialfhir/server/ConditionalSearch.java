package org.trialfhir.server;

import ca.uhn.fhir.model.api.IQueryParameterAnd;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.QualifiedParamList;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.QuantityAndListParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.UriAndListParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.util.UrlUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.server.search.ParamDef;
import org.trialfhir.server.search.Query;
import org.trialfhir.server.search.SearchParams;

/**
 * Runs the search of a conditional create ({@code If-None-Exist: identifier=https://clinicaltrials.gov|NCT01}) with
 * the same parameters and rules as {@code GET [type]?...}, and says which resource, if any, it designates.
 *
 * <p>A parameter the server does not know is a 400, never ignored: ignoring it would widen the condition and could
 * match a resource the client did not mean.
 */
final class ConditionalSearch {
  private final SearchParams params;

  ConditionalSearch(SearchParams params) {
    this.params = params;
  }

  /**
   * The one current resource of {@code type} the condition matches, or empty when none does.
   *
   * @throws InvalidRequestException (400) if the condition is empty or names a parameter the type does not have
   * @throws PreconditionFailedException (412) if it matches more than one resource
   */
  Optional<Resource> match(String type, String condition) {
    Query query = params.query(type);
    for (Map.Entry<String, IQueryParameterAnd<?>> parameter : parse(type, condition).entrySet()) {
      query.where(parameter.getKey(), parameter.getValue());
    }
    List<IBaseResource> matches = query.run(null, null, null).getAllResources();
    if (matches.size() > 1) {
      throw new PreconditionFailedException("If-None-Exist: " + condition + " matches " + matches.size() + " "
          + type + " resources; it must designate at most one");
    }
    return matches.stream().map(Resource.class::cast).findFirst();
  }

  private Map<String, IQueryParameterAnd<?>> parse(String type, String condition) {
    String query = condition == null ? "" : condition.strip();
    if (query.contains("?")) {
      query = query.substring(query.indexOf('?') + 1);
    }
    Map<String, String[]> raw = UrlUtil.parseQueryString(query);
    if (raw.isEmpty()) {
      throw new InvalidRequestException("If-None-Exist is empty; give search parameters such as identifier=...");
    }
    Map<String, List<QualifiedParamList>> byName = new LinkedHashMap<>();
    for (Map.Entry<String, String[]> entry : raw.entrySet()) {
      String name = entry.getKey();
      int cut = indexOfQualifier(name);
      String bare = cut < 0 ? name : name.substring(0, cut);
      String qualifier = cut < 0 ? null : name.substring(cut);
      if (params.find(type, bare).isEmpty()) {
        throw new InvalidRequestException("If-None-Exist: " + type + " has no search parameter '" + bare
            + "'. Known: " + new TreeSet<>(params.of(type).keySet()));
      }
      for (String value : entry.getValue()) {
        byName.computeIfAbsent(bare, n -> new ArrayList<>())
            .add(QualifiedParamList.splitQueryStringByCommasIgnoreEscape(qualifier, value));
      }
    }
    Map<String, IQueryParameterAnd<?>> parsed = new LinkedHashMap<>();
    byName.forEach((name, values) -> {
      IQueryParameterAnd<?> and = empty(ParamDef.matching(params.find(type, name).orElseThrow()));
      try {
        and.setValuesAsQueryTokens(params.fhirContext(), name, values);
      } catch (DataFormatException | IllegalArgumentException e) {
        throw new InvalidRequestException("If-None-Exist: " + name + ": " + e.getMessage());
      }
      parsed.put(name, and);
    });
    return parsed;
  }

  /** Where a modifier ({@code :exact}) or chain ({@code .name}) starts, or -1. */
  private static int indexOfQualifier(String name) {
    int colon = name.indexOf(':');
    int dot = name.indexOf('.');
    return colon < 0 ? dot : dot < 0 ? colon : Math.min(colon, dot);
  }

  private static IQueryParameterAnd<?> empty(ParamDef def) {
    if (def instanceof ParamDef.Token) {
      return new TokenAndListParam();
    } else if (def instanceof ParamDef.Str) {
      return new StringAndListParam();
    } else if (def instanceof ParamDef.Date) {
      return new DateAndListParam();
    } else if (def instanceof ParamDef.Ref) {
      return new ReferenceAndListParam();
    } else if (def instanceof ParamDef.Uri) {
      return new UriAndListParam();
    } else {
      return new QuantityAndListParam();
    }
  }
}
