package org.trialfhir.server.search;

import ca.uhn.fhir.model.api.IQueryParameterAnd;
import ca.uhn.fhir.model.api.IQueryParameterOr;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.BaseParam;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.QuantityParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.param.UriParamQualifierEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns a search parameter's definition and the values a request gives it into a test on resources, with the FHIR
 * R4 rules: values joined by "," are OR-ed, repetitions of the parameter AND-ed; {@code :missing} for every type;
 * token {@code system|code}, {@code :text} and {@code :not}; string {@code :exact} and {@code :contains}; date
 * prefixes; reference by type/id, id, URL or chain ({@code site.address-country=China}); uri {@code :below} and
 * {@code :above}. A value the server cannot use is an {@link InvalidRequestException} (400) that names it.
 */
final class Predicates {

  private final SearchParams params;

  Predicates(SearchParams params) {
    this.params = params;
  }

  /** The test for {@code type}'s parameter {@code def} with the request's AND-list of OR-lists. */
  Predicate<Resource> of(String type, ParamDef def, IQueryParameterAnd<?> and) {
    List<Predicate<Resource>> all = new ArrayList<>();
    for (IQueryParameterOr<?> or : and.getValuesAsQueryTokens()) {
      List<Predicate<Resource>> any = new ArrayList<>();
      for (IQueryParameterType value : or.getValuesAsQueryTokens()) {
        any.add(one(type, def, value));
      }
      if (!any.isEmpty()) {
        all.add(resource -> any.stream().anyMatch(p -> p.test(resource)));
      }
    }
    return resource -> all.stream().allMatch(p -> p.test(resource));
  }

  private Predicate<Resource> one(String type, ParamDef def, IQueryParameterType value) {
    if (value instanceof BaseParam base && base.getMissing() != null) {
      boolean missing = base.getMissing();
      return resource -> present(def, resource) != missing;
    }
    if (def instanceof ParamDef.Token token && value instanceof TokenParam p) {
      return token(token, p);
    }
    if (def instanceof ParamDef.Str string && value instanceof StringParam p) {
      return string(string, p);
    }
    if (def instanceof ParamDef.Date date && value instanceof DateParam p) {
      return date(date, p);
    }
    if (def instanceof ParamDef.Ref ref && value instanceof ReferenceParam p) {
      return reference(type, ref, p);
    }
    if (def instanceof ParamDef.Uri uri && value instanceof UriParam p) {
      return uri(uri, p);
    }
    if (def instanceof ParamDef.Quantity quantity && value instanceof QuantityParam p) {
      return quantity(quantity, p);
    }
    throw new IllegalStateException(
        def.name() + " is a " + def.type() + " parameter but was bound as " + value.getClass().getSimpleName());
  }

  private boolean present(ParamDef def, Resource resource) {
    if (def instanceof ParamDef.Token token) {
      return token.values().apply(resource).stream().anyMatch(c -> c.hasCode() || c.text() != null);
    } else if (def instanceof ParamDef.Str string) {
      return string.values().apply(resource).stream().anyMatch(Objects::nonNull);
    } else if (def instanceof ParamDef.Date date) {
      return date.values().apply(resource).stream().anyMatch(Objects::nonNull);
    } else if (def instanceof ParamDef.Ref ref) {
      return !ref.references().apply(resource).isEmpty();
    } else if (def instanceof ParamDef.Uri uri) {
      return !uri.values().apply(resource).isEmpty();
    }
    throw new InvalidRequestException(def.name() + ": :missing is not supported for this parameter");
  }

  // ---- token ---------------------------------------------------------------------------------------------

  private static Predicate<Resource> token(ParamDef.Token def, TokenParam p) {
    TokenParamModifier modifier = p.getModifier();
    if (modifier == TokenParamModifier.TEXT) {
      String folded = Text.fold(p.getValue() == null ? "" : p.getValue().strip());
      if (folded.isEmpty()) {
        throw new InvalidRequestException(def.name() + ":text needs a value");
      }
      return resource -> def.values().apply(resource).stream()
          .anyMatch(c -> Text.hasWordStartingWith(Text.fold(c.text()), folded));
    }
    if (modifier != null && modifier != TokenParamModifier.NOT) {
      throw new InvalidRequestException(
          def.name() + ": the modifier :" + modifier.getValue().substring(1) + " is not supported (supported: "
              + ":text, :not, :missing)");
    }
    String system = p.getSystem();
    String code = p.getValue() == null || p.getValue().isEmpty() ? null : p.getValue();
    if (code == null && (system == null || system.isEmpty())) {
      throw new InvalidRequestException(def.name() + ": empty token; expected code, system|code, |code or system|");
    }
    if (code != null && !def.codes().isEmpty() && !def.codes().contains(code)) {
      throw new InvalidRequestException(
          def.name() + ": unknown code '" + code + "'; expected one of " + def.codes().stream().sorted().toList());
    }
    Predicate<Coded> matches = c -> {
      if (!c.hasCode()) {
        return false;
      }
      if (code != null && !code.equals(c.code())) {
        return false;
      }
      if (system == null) {
        return true;
      }
      // "|code" asks for a code without a system; "system|" for any code of the system.
      return system.isEmpty() ? c.system() == null : system.equals(c.system());
    };
    Predicate<Resource> positive = resource -> def.values().apply(resource).stream().anyMatch(matches);
    return modifier == TokenParamModifier.NOT ? positive.negate() : positive;
  }

  // ---- string --------------------------------------------------------------------------------------------

  private static Predicate<Resource> string(ParamDef.Str def, StringParam p) {
    String value = p.getValue() == null ? "" : p.getValue();
    if (value.isEmpty()) {
      throw new InvalidRequestException(def.name() + " needs a value");
    }
    if (p.isExact()) {
      return resource -> def.values().apply(resource).stream().anyMatch(value::equals);
    }
    String folded = Text.fold(value.strip());
    if (p.isContains()) {
      return resource -> def.values().apply(resource).stream()
          .anyMatch(v -> v != null && Text.fold(v).contains(folded));
    }
    if (def.words()) {
      // Full text: every word of the value starts a word of the resource's text.
      List<String> words = Text.words(folded);
      return resource -> {
        List<String> texts = def.values().apply(resource).stream().filter(Objects::nonNull).map(Text::fold).toList();
        return !words.isEmpty()
            && words.stream().allMatch(w -> texts.stream().anyMatch(t -> Text.hasWordStartingWith(t, w)));
      };
    }
    return resource -> def.values().apply(resource).stream()
        .anyMatch(v -> v != null && Text.fold(v).startsWith(folded));
  }

  // ---- date ----------------------------------------------------------------------------------------------

  private static Predicate<Resource> date(ParamDef.Date def, DateParam p) {
    if (p.getValue() == null) {
      throw new InvalidRequestException(def.name() + ": '" + p.getValueAsString() + "' is not a FHIR date");
    }
    DateSpan value = DateSpan.of(p.getValue(), p.getPrecision());
    ParamPrefixEnum prefix = p.getPrefix() == null ? ParamPrefixEnum.EQUAL : p.getPrefix();
    return resource -> def.values().apply(resource).stream()
        .filter(Objects::nonNull)
        .anyMatch(target -> compare(prefix, value, target));
  }

  /** The R4 prefix rules for a search value's span against a target's span (search.html#prefix). */
  static boolean compare(ParamPrefixEnum prefix, DateSpan value, DateSpan target) {
    boolean within = value.start() <= target.start() && target.end() <= value.end();
    return switch (prefix) {
      case EQUAL -> within;
      case NOT_EQUAL -> !within;
      case GREATERTHAN -> target.end() > value.end();
      case LESSTHAN -> target.start() < value.start();
      case GREATERTHAN_OR_EQUALS -> target.end() > value.end() || within;
      case LESSTHAN_OR_EQUALS -> target.start() < value.start() || within;
      case STARTS_AFTER -> target.start() >= value.end();
      case ENDS_BEFORE -> target.end() <= value.start();
      case APPROXIMATE -> target.start() < value.end() && target.end() > value.start();
    };
  }

  // ---- reference -----------------------------------------------------------------------------------------

  private Predicate<Resource> reference(String type, ParamDef.Ref def, ReferenceParam p) {
    Resolver resolver = params.resolver();
    String targetType = p.hasResourceType() ? p.getResourceType() : null;
    if (targetType != null && !def.targets().contains(targetType)) {
      throw new InvalidRequestException(
          def.name() + ": " + targetType + " is not a target of this parameter (targets: " + def.targets() + ")");
    }
    if (p.hasChain()) {
      return chained(type, def, p, targetType);
    }
    String idPart = p.getIdPart();
    if (idPart == null || idPart.isEmpty()) {
      throw new InvalidRequestException(def.name() + " needs a reference: Type/id, id or a URL");
    }
    String raw = p.getValue();
    return resource -> {
      for (String reference : def.references().apply(resource)) {
        String key = resolver.key(reference);
        if (reference.equals(raw) || (key != null && keyMatches(key, targetType, idPart))) {
          return true;
        }
      }
      return false;
    };
  }

  private static boolean keyMatches(String key, String type, String id) {
    int slash = key.indexOf('/');
    return key.substring(slash + 1).equals(id) && (type == null || key.substring(0, slash).equals(type));
  }

  /** {@code site.address-country=China}: the referenced resource must match the chained parameter. */
  private Predicate<Resource> chained(String type, ParamDef.Ref def, ReferenceParam p, String targetType) {
    String chain = p.getChain();
    List<String> types = targetType != null ? List.of(targetType) : List.copyOf(def.targets());
    List<String> withParam = types.stream().filter(t -> params.find(t, chain).isPresent()).toList();
    if (withParam.isEmpty() || chain.contains(".")) {
      throw new InvalidRequestException(
          def.name() + "." + chain + ": " + types + " has no search parameter '" + chain + "' to chain to");
    }
    List<Predicate<Resource>> tests = new ArrayList<>();
    for (String t : withParam) {
      ParamDef target = params.find(t, chain).orElseThrow();
      IQueryParameterType chainedValue = switch (target.type()) {
        case STRING -> p.toStringParam(params.fhirContext());
        case TOKEN -> p.toTokenParam(params.fhirContext());
        case DATE -> p.toDateParam(params.fhirContext());
        case QUANTITY -> p.toQuantityParam(params.fhirContext());
        case URI -> new UriParam(p.getValue());
        default -> throw new InvalidRequestException(
            def.name() + "." + chain + ": chaining to a " + target.type().getCode() + " parameter is not supported");
      };
      Predicate<Resource> test = one(t, target, chainedValue);
      tests.add(r -> r.fhirType().equals(t) && test.test(r));
    }
    Resolver resolver = params.resolver();
    return resource -> def.references().apply(resource).stream()
        .map(resolver::resolve)
        .flatMap(Optional::stream)
        .anyMatch(target -> tests.stream().anyMatch(test -> test.test(target)));
  }

  // ---- uri -----------------------------------------------------------------------------------------------

  private static Predicate<Resource> uri(ParamDef.Uri def, UriParam p) {
    String value = p.getValue();
    if (value == null || value.isEmpty()) {
      throw new InvalidRequestException(def.name() + " needs a URI");
    }
    UriParamQualifierEnum qualifier = p.getQualifier();
    return resource -> def.values().apply(resource).stream().anyMatch(v -> {
      if (qualifier == UriParamQualifierEnum.BELOW) {
        return v.startsWith(value);
      } else if (qualifier == UriParamQualifierEnum.ABOVE) {
        return value.startsWith(v);
      }
      return v.equals(value);
    });
  }

  // ---- quantity ------------------------------------------------------------------------------------------

  private static Predicate<Resource> quantity(ParamDef.Quantity def, QuantityParam p) {
    if (p.getValue() == null) {
      throw new InvalidRequestException(def.name() + ": '" + p.getValueAsQueryToken() + "' is not a number");
    }
    if (p.getPrefix() != null && p.getPrefix() != ParamPrefixEnum.EQUAL) {
      throw new InvalidRequestException(
          def.name() + ": the prefix " + p.getPrefix().getValue() + " is not supported; give the value alone");
    }
    try {
      return def.rule().apply(p);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(def.name() + ": " + e.getMessage());
    }
  }
}
