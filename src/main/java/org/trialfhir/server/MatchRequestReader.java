package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.trialfhir.matching.MatchFilters;
import org.trialfhir.matching.MatchVocabulary;

/**
 * Reads a {@code ResearchStudy/$match} request: the body (a Parameters resource with {@code trialMatchClinicalData}
 * and the filters, or a bare Bundle) and the filters also given in the URL, into the patient's Bundle, the filters
 * and the evaluation day. Anything it cannot use is a 400 that says what: a body that is not FHIR, a resource that is
 * neither Parameters nor Bundle, no clinical data, an unknown parameter, a value of the wrong type, an unknown phase
 * or status code, a date that is not YYYY-MM-DD, a {@code _count} or {@code _offset} that is not a whole number of 0 or
 * more.
 *
 * <p>The answer is a page of the ranking: {@code _count} studies ({@link #DEFAULT_COUNT} when not given, at most
 * {@link #MAXIMUM_COUNT}, as for searches) from position {@code _offset} (default 0, the best).
 */
final class MatchRequestReader {
  static final String CLINICAL_DATA = "trialMatchClinicalData";
  static final String PHASE = "phase";
  static final String STATUS = "recruitmentStatus";
  static final String COUNTRY = "country";
  static final String DATE = "date";
  static final String INCLUDE_INELIGIBLE = "includeIneligible";
  static final String COUNT = Constants.PARAM_COUNT;
  static final String OFFSET = Constants.PARAM_OFFSET;
  static final List<String> PARAMETERS = List.of(CLINICAL_DATA, PHASE, STATUS, COUNTRY, DATE,
      INCLUDE_INELIGIBLE, COUNT, OFFSET);
  /**
   * Studies answered when {@code _count} is not given, and the most one answer holds, whatever {@code _count} asks: as
   * for searches. Each study answered is a whole ResearchStudy with every criterion's detail (about 22 KB of JSON),
   * whose encoding costs more than ranking all 10,000 studies of the benchmark corpus.
   */
  static final int DEFAULT_COUNT = TrialFhirServer.DEFAULT_PAGE_SIZE;
  static final int MAXIMUM_COUNT = TrialFhirServer.MAXIMUM_PAGE_SIZE;
  /** CodeX parameters this server does not implement (they need a geocoding table). */
  private static final Set<String> UNSUPPORTED = Set.of("zipCode", "travelRadius");
  /** URL parameters HAPI itself honours on any request. */
  private static final Set<String> FORMAT_PARAMETERS = Set.of(Constants.PARAM_FORMAT, Constants.PARAM_PRETTY);

  /** What a request asks: the patient's data, the filters, the day to evaluate on, and the page of the ranking. */
  record MatchRequest(Bundle clinicalData, MatchFilters filters, LocalDate date, int offset, int count) {}

  private final FhirContext ctx;
  private final MatchVocabulary vocabulary;
  private final Clock clock;

  MatchRequestReader(FhirContext ctx, MatchVocabulary vocabulary, Clock clock) {
    this.ctx = ctx;
    this.vocabulary = vocabulary;
    this.clock = clock;
  }

  MatchRequest read(RequestDetails request) {
    Values values = new Values();
    for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
      String name = parameter.getKey();
      if (FORMAT_PARAMETERS.contains(name)) {
        continue;
      }
      check(name, "in the URL");
      if (CLINICAL_DATA.equals(name)) {
        throw new InvalidRequestException("$match: " + CLINICAL_DATA + " is a Bundle and goes in the body");
      }
      for (String value : parameter.getValue()) {
        values.add(name, value);
      }
    }
    IBaseResource body = body(request);
    Bundle clinicalData;
    if (body instanceof Bundle bundle) {
      clinicalData = bundle;
    } else if (body instanceof Parameters parameters) {
      clinicalData = parameters(parameters, values);
    } else {
      throw new InvalidRequestException("$match: the body is a " + ctx.getResourceType(body) + "; send a Parameters"
          + " resource with " + CLINICAL_DATA + ", or the patient's Bundle itself");
    }
    return new MatchRequest(clinicalData, values.filters(), values.date(),
        values.offset == null ? 0 : values.offset,
        values.count == null ? DEFAULT_COUNT : Math.min(values.count, MAXIMUM_COUNT));
  }

  private IBaseResource body(RequestDetails request) {
    byte[] bytes = request.loadRequestContents();
    String text = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw new InvalidRequestException("$match needs a body: a Parameters resource with " + CLINICAL_DATA
          + " (the patient's Bundle), or that Bundle alone");
    }
    String contentType = request.getHeader(Constants.HEADER_CONTENT_TYPE);
    boolean xml = contentType != null ? contentType.toLowerCase(Locale.ROOT).contains("xml")
        : text.stripLeading().startsWith("<");
    try {
      return (xml ? ctx.newXmlParser() : ctx.newJsonParser()).parseResource(text);
    } catch (DataFormatException e) {
      throw new InvalidRequestException("$match: the body is not a FHIR " + (xml ? "XML" : "JSON") + " resource: "
          + e.getMessage());
    }
  }

  private Bundle parameters(Parameters parameters, Values values) {
    Bundle clinicalData = null;
    for (ParametersParameterComponent parameter : parameters.getParameter()) {
      String name = parameter.getName();
      check(name, "in the Parameters body");
      if (CLINICAL_DATA.equals(name)) {
        if (!(parameter.getResource() instanceof Bundle bundle)) {
          throw new InvalidRequestException("$match: " + CLINICAL_DATA + " must hold a Bundle (in 'resource')"
              + (parameter.hasResource() ? ", not a " + parameter.getResource().fhirType() : ""));
        }
        if (clinicalData != null) {
          throw new InvalidRequestException("$match: " + CLINICAL_DATA + " is given twice; send one patient's Bundle");
        }
        clinicalData = bundle;
      } else if (parameter.getValue() instanceof PrimitiveType<?> primitive && primitive.getValueAsString() != null) {
        values.add(name, primitive.getValueAsString());
      } else {
        throw new InvalidRequestException("$match: parameter " + name + " needs a value[x] of a primitive type");
      }
    }
    if (clinicalData == null) {
      throw new InvalidRequestException("$match: the Parameters body has no " + CLINICAL_DATA
          + " (the patient's Bundle)");
    }
    return clinicalData;
  }

  private static void check(String name, String where) {
    if (UNSUPPORTED.contains(name)) {
      throw new InvalidRequestException("$match: parameter " + name + " (" + where + ") is not supported by this"
          + " server (no geocoding); use country to restrict the sites");
    }
    if (!PARAMETERS.contains(name)) {
      throw new InvalidRequestException("$match: unknown parameter " + name + " (" + where + "); known: "
          + String.join(", ", PARAMETERS));
    }
  }

  /** The filter values of a request, from the URL and the body. */
  private final class Values {
    private final Set<String> phases = new LinkedHashSet<>();
    private final Set<String> statuses = new LinkedHashSet<>();
    private final Set<String> countries = new LinkedHashSet<>();
    private LocalDate date;
    private Boolean includeIneligible;
    private Integer count;
    private Integer offset;

    void add(String name, String value) {
      switch (name) {
        case PHASE -> split(value).forEach(v -> phases.add(known(PHASE, v, vocabulary.isPhase(v),
            "an R4 research-study-phase code (phase-1, phase-1-phase-2, n-a, ...) or a ClinicalTrials.gov phase"
                + " (PHASE1, PHASE1/PHASE2, NA, ...)")));
        case STATUS -> split(value).forEach(v -> statuses.add(known(STATUS, v, vocabulary.isStatus(v),
            "an R4 research-study-status code (active, approved, closed-to-accrual, ...) or a ClinicalTrials.gov"
                + " overall status (RECRUITING, NOT_YET_RECRUITING, ...)")));
        case COUNTRY -> countries.addAll(split(value));
        case DATE -> date = once(DATE, date, day(value));
        case INCLUDE_INELIGIBLE -> includeIneligible = once(INCLUDE_INELIGIBLE, includeIneligible, bool(value));
        case COUNT -> count = once(COUNT, count, whole(COUNT, value));
        case OFFSET -> offset = once(OFFSET, offset, whole(OFFSET, value));
        default -> throw new IllegalStateException(name);
      }
    }

    MatchFilters filters() {
      return new MatchFilters(phases, statuses, countries, Boolean.TRUE.equals(includeIneligible));
    }

    LocalDate date() {
      return date != null ? date : LocalDate.now(clock);
    }

    private List<String> split(String value) {
      List<String> parts = new ArrayList<>();
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          parts.add(part.strip());
        }
      }
      return parts;
    }

    private String known(String name, String value, boolean known, String expected) {
      if (!known) {
        throw new InvalidRequestException("$match: " + name + " '" + value + "' is not " + expected);
      }
      return value;
    }

    private <T> T once(String name, T before, T value) {
      if (before != null) {
        throw new InvalidRequestException("$match: " + name + " is given more than once");
      }
      return value;
    }

    private LocalDate day(String value) {
      try {
        if (value.length() == 10) {
          return LocalDate.parse(value);
        }
      } catch (DateTimeParseException e) {
        // falls through to the message below
      }
      throw new InvalidRequestException("$match: date '" + value + "' is not a day (YYYY-MM-DD)");
    }

    private Integer whole(String name, String value) {
      return OperationParams.nonNegative(value).orElseThrow(() -> new InvalidRequestException(
          "$match: " + name + " '" + value + "' is not a whole number of 0 or more"));
    }

    private Boolean bool(String value) {
      return switch (value) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new InvalidRequestException("$match: " + INCLUDE_INELIGIBLE + " '" + value
            + "' is not true or false");
      };
    }
  }
}
