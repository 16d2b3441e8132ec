package org.trialfhir.server;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.QuantityParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.trialfhir.server.search.ParamDef;
import org.trialfhir.server.search.SearchParams;

/**
 * Checks a search's parameters before HAPI binds them, so that an error names the parameter:
 * <ul>
 *   <li>{@code Prefer: handling=strict}: a parameter the server does not know is a 400 naming it and listing the
 *       known ones. Without it (lenient, the FHIR default) unknown parameters are ignored: the search methods allow
 *       them.
 *   <li>A date or quantity value that does not parse is a 400 naming the parameter and the value (HAPI's own message
 *       names only the value).
 * </ul>
 * The parameters known are those of {@link SearchParams}, plus the result parameters the server honours. Called
 * from {@link TrialFhirServer#validateRequest}, not as an interceptor, for the reason {@link ReadOnlyRules} gives.
 */
final class SearchRequestRules {
  static final Set<String> RESULT_PARAMETERS = Set.of(
      "_sort", "_count", "_include", "_revinclude", "_summary", "_total", "_elements", "_format", "_pretty");

  private final SearchParams params;

  SearchRequestRules(SearchParams params) {
    this.params = params;
  }

  void check(RequestDetails request) {
    String type = request.getResourceName();
    boolean search = type != null
        && (request.getId() == null || !request.getId().hasIdPart())
        && (request.getOperation() == null
            ? request.getRequestType() == RequestTypeEnum.GET
            : "_search".equals(request.getOperation()));
    if (!search || !params.types().contains(type)) {
      return;
    }
    boolean strict = strict(request.getHeaders(Constants.HEADER_PREFER));
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
      String name = parameter.getKey();
      String bare = name.split("[:.]", 2)[0];
      Optional<ParamDef> def = params.find(type, bare);
      if (def.isEmpty() && !RESULT_PARAMETERS.contains(bare)) {
        unknown.add(name);
      } else if (def.isPresent() && bare.equals(name)) {
        for (String values : parameter.getValue()) {
          checkValues(ParamDef.matching(def.get()), values);
        }
      }
    }
    if (strict && !unknown.isEmpty()) {
      throw new InvalidRequestException("Unknown search parameter" + (unknown.size() == 1 ? " " : "s ")
          + String.join(", ", unknown) + " for " + type + " (Prefer: handling=strict). Known: "
          + new TreeSet<>(params.of(type).keySet()) + " and " + new TreeSet<>(RESULT_PARAMETERS));
    }
  }

  private static void checkValues(ParamDef def, String values) {
    for (String value : values.split(",")) {
      if (value.isEmpty()) {
        continue;
      }
      try {
        if (def instanceof ParamDef.Date) {
          new DateParam(value);
        } else if (def instanceof ParamDef.Quantity) {
          if (new QuantityParam(value).getValue() == null) {
            throw new DataFormatException("no number");
          }
        }
      } catch (DataFormatException | IllegalArgumentException e) {
        String expected = def instanceof ParamDef.Date
            ? "a date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime) with an optional prefix eq, ne, gt, lt, ge, le, sa, eb"
                + " or ap"
            : "a number with an optional |system|code unit";
        throw new InvalidRequestException(def.name() + ": '" + value + "' is not " + expected);
      }
    }
  }

  private static boolean strict(List<String> preferHeaders) {
    if (preferHeaders == null) {
      return false;
    }
    for (String header : preferHeaders) {
      for (String token : header.split(",")) {
        if (token.strip().toLowerCase(Locale.ROOT).replace(" ", "").equals("handling=strict")) {
          return true;
        }
      }
    }
    return false;
  }
}
