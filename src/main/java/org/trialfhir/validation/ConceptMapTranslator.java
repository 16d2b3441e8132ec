package org.trialfhir.validation;

import ca.uhn.fhir.context.support.IValidationSupport.TranslateCodeRequest;
import ca.uhn.fhir.context.support.TranslateConceptResult;
import ca.uhn.fhir.context.support.TranslateConceptResults;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * Translates codings through in-memory ConceptMaps with the R4 {@code $translate} rules: a {@link
 * TranslateCodeRequest} in, every matching target (or, reversed, every source that maps to the coding) out as {@link
 * TranslateConceptResults}. HAPI's offline chain has no ConceptMap translation of its own (only its JPA and remote
 * terminology modules do), so this fills that place in the chain.
 *
 * <p>Codes match exactly, as FHIR codes do. A group without a source system holds registry terms that have no code
 * system (drug names, unit spellings): a coding without a system matches those. Reversed, an equivalence is seen
 * from the other side ({@code wider} becomes {@code narrower}, {@code subsumes} {@code specializes}). The result is
 * true when at least one match is neither {@code unmatched} nor {@code disjoint}.
 */
public final class ConceptMapTranslator {

  private ConceptMapTranslator() {}

  /**
   * Translates each coding of the request through the maps the request selects: its ConceptMap url and version, its
   * source and target value sets (which trade places when reversed) and its target system.
   */
  public static TranslateConceptResults translate(Collection<ConceptMap> maps, TranslateCodeRequest request) {
    List<TranslateConceptResult> matches = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (ConceptMap map : maps) {
      if (selects(request, map)) {
        for (IBaseCoding coding : request.getCodings()) {
          if (request.isReverse()) {
            reverse(map, coding, request.getTargetSystemUrl(), matches);
          } else {
            forward(map, coding, request.getTargetSystemUrl(), matches, notes);
          }
        }
      }
    }
    TranslateConceptResults results = new TranslateConceptResults();
    results.setResults(matches);
    results.setResult(matches.stream().anyMatch(m -> isMatch(m.getEquivalence())));
    if (!results.getResult()) {
      notes.add(0, "No " + (request.isReverse() ? "source code maps to " : "mapping of ")
          + describe(request.getCodings()) + " in " + describeScope(request));
      results.setMessage(String.join("; ", notes));
    }
    return results;
  }

  private static boolean selects(TranslateCodeRequest request, ConceptMap map) {
    String source = map.hasSourceCanonicalType() ? map.getSourceCanonicalType().getValue()
        : map.hasSourceUriType() ? map.getSourceUriType().getValue() : null;
    String target = map.hasTargetCanonicalType() ? map.getTargetCanonicalType().getValue()
        : map.hasTargetUriType() ? map.getTargetUriType().getValue() : null;
    String wantedSource = request.isReverse() ? request.getTargetValueSetUrl() : request.getSourceValueSetUrl();
    String wantedTarget = request.isReverse() ? request.getSourceValueSetUrl() : request.getTargetValueSetUrl();
    return (request.getConceptMapUrl() == null || request.getConceptMapUrl().equals(map.getUrl()))
        && (request.getConceptMapVersion() == null || request.getConceptMapVersion().equals(map.getVersion()))
        && (wantedSource == null || wantedSource.equals(source))
        && (wantedTarget == null || wantedTarget.equals(target));
  }

  private static void forward(ConceptMap map, IBaseCoding coding, String targetSystem,
      List<TranslateConceptResult> matches, List<String> notes) {
    for (ConceptMapGroupComponent group : map.getGroup()) {
      if (!Objects.equals(group.getSource(), coding.getSystem())
          || !sameVersion(coding.getVersion(), group.getSourceVersion())
          || targetSystem != null && !targetSystem.equals(group.getTarget())) {
        continue;
      }
      for (SourceElementComponent element : group.getElement()) {
        if (!Objects.equals(element.getCode(), coding.getCode())) {
          continue;
        }
        for (TargetElementComponent target : element.getTarget()) {
          matches.add(result(map, target.getEquivalence(), target.hasCode() ? group.getTarget() : null,
              group.getTargetVersion(), target.getCode(), target.getDisplay()));
          if (!isMatch(target.getEquivalenceElement().getValueAsString()) && target.hasComment()) {
            notes.add(element.getCode() + " (" + target.getEquivalence().toCode() + "): " + target.getComment());
          }
        }
      }
    }
  }

  private static void reverse(ConceptMap map, IBaseCoding coding, String targetSystem,
      List<TranslateConceptResult> matches) {
    for (ConceptMapGroupComponent group : map.getGroup()) {
      if (!Objects.equals(group.getTarget(), coding.getSystem())
          || !sameVersion(coding.getVersion(), group.getTargetVersion())
          || targetSystem != null && !targetSystem.equals(group.getSource())) {
        continue;
      }
      for (SourceElementComponent element : group.getElement()) {
        for (TargetElementComponent target : element.getTarget()) {
          if (target.hasCode() && target.getCode().equals(coding.getCode())) {
            matches.add(result(map, inverse(target.getEquivalence()), group.getSource(), group.getSourceVersion(),
                element.getCode(), element.getDisplay()));
          }
        }
      }
    }
  }

  private static TranslateConceptResult result(ConceptMap map, ConceptMapEquivalence equivalence, String system,
      String systemVersion, String code, String display) {
    TranslateConceptResult result = new TranslateConceptResult()
        .setSystem(system)
        .setCode(code)
        .setDisplay(display)
        .setEquivalence(equivalence == null ? null : equivalence.toCode())
        .setConceptMapUrl(map.getUrl());
    result.setSystemVersion(systemVersion);
    return result;
  }

  /** A version the request does not give, or the map does not state, does not restrict. */
  private static boolean sameVersion(String requested, String mapped) {
    return requested == null || mapped == null || requested.equals(mapped);
  }

  private static boolean isMatch(String equivalence) {
    return equivalence != null
        && !ConceptMapEquivalence.UNMATCHED.toCode().equals(equivalence)
        && !ConceptMapEquivalence.DISJOINT.toCode().equals(equivalence);
  }

  /** The equivalence of target to source, read from the source's side. */
  private static ConceptMapEquivalence inverse(ConceptMapEquivalence equivalence) {
    if (equivalence == null) {
      return null;
    }
    return switch (equivalence) {
      case WIDER -> ConceptMapEquivalence.NARROWER;
      case NARROWER -> ConceptMapEquivalence.WIDER;
      case SUBSUMES -> ConceptMapEquivalence.SPECIALIZES;
      case SPECIALIZES -> ConceptMapEquivalence.SUBSUMES;
      default -> equivalence;
    };
  }

  private static String describe(List<IBaseCoding> codings) {
    List<String> described = new ArrayList<>();
    for (IBaseCoding coding : codings) {
      described.add(coding.getSystem() == null ? "'" + coding.getCode() + "'" : coding.getSystem() + "|" + coding.getCode());
    }
    return String.join(", ", described);
  }

  private static String describeScope(TranslateCodeRequest request) {
    List<String> scope = new ArrayList<>();
    scope.add(request.getConceptMapUrl() == null ? "any ConceptMap" : "ConceptMap " + request.getConceptMapUrl()
        + (request.getConceptMapVersion() == null ? "" : "|" + request.getConceptMapVersion()));
    if (request.getSourceValueSetUrl() != null) {
      scope.add("source " + request.getSourceValueSetUrl());
    }
    if (request.getTargetValueSetUrl() != null) {
      scope.add("target " + request.getTargetValueSetUrl());
    }
    if (request.getTargetSystemUrl() != null) {
      scope.add("target system " + request.getTargetSystemUrl());
    }
    return String.join(", ", scope);
  }
}
