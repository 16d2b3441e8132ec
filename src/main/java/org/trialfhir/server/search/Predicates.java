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
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.trialfhir.server.search.IndexValues.Link;
import org.trialfhir.server.search.IndexValues.Tok;
import org.trialfhir.server.search.SearchIndex.Entry;
import org.trialfhir.server.search.SearchIndex.TypeIndex;
import org.trialfhir.server.search.SearchIndex.View;

/**
 * Turns a search parameter's definition and the values a request gives it into a test on the {@link SearchIndex}'s
 * values, with the FHIR R4 rules: values joined by "," are OR-ed, repetitions of the parameter AND-ed;
 * {@code :missing} for every type; token {@code system|code}, {@code :text} and {@code :not}; string {@code :exact}
 * and {@code :contains}; date prefixes; reference by type/id, id, URL or chain ({@code site.address-country=China});
 * uri {@code :below} and {@code :above}. A value the server cannot use is an {@link InvalidRequestException} (400)
 * that names it, raised when the filter is made, before any search.
 */
final class Predicates {

  /** A test on the entries of one type as of one view: the ordinal, and the entry current at that view. */
  interface EntryTest {
    boolean test(int ordinal, Entry entry);
  }

  /** A checked search condition, made into an {@link EntryTest} for each view a search runs on. */
  interface Filter {
    EntryTest bind(View view);

    /**
     * Exactly the ordinals of the current resources that pass, from the view's postings, without reading any entry;
     * null when the postings cannot tell (the search then tests each resource).
     */
    default BitSet candidates(View view) {
      return null;
    }
  }

  /** A test on one parameter's values (in the form {@link Extractor} keeps them) as of a view. */
  private interface ValueTest {
    boolean test(Object values);
  }

  /** A {@link ValueTest} made for a view (chains and full text prepare per view). */
  private interface ValueFilter {
    ValueTest bind(View view);

    /** As {@link Filter#candidates} (a new set, which the caller may change), for one value of a parameter declared
     * on {@code index}'s type. */
    default BitSet candidates(View view, TypeIndex index, ParamDef def) {
      return null;
    }
  }

  private final SearchParams params;

  Predicates(SearchParams params) {
    this.params = params;
  }

  /** The filter for {@code type}'s parameter {@code def} with the request's AND-list of OR-lists. */
  Filter of(String type, ParamDef def, IQueryParameterAnd<?> and) {
    List<List<ValueFilter>> all = new ArrayList<>();
    for (IQueryParameterOr<?> or : and.getValuesAsQueryTokens()) {
      List<ValueFilter> any = new ArrayList<>();
      for (IQueryParameterType value : or.getValuesAsQueryTokens()) {
        any.add(one(def, value));
      }
      if (!any.isEmpty()) {
        all.add(any);
      }
    }
    return new Filter() {
      @Override
      public EntryTest bind(View view) {
        TypeIndex index = params.index().type(type);
        List<ValueTest[]> bound = new ArrayList<>();
        for (List<ValueFilter> any : all) {
          bound.add(any.stream().map(f -> f.bind(view)).toArray(ValueTest[]::new));
        }
        SearchIndex.Values source = view.values(index, def);
        return (ordinal, entry) -> {
          Object values = source.of(ordinal, entry);
          for (ValueTest[] any : bound) {
            boolean matched = false;
            for (ValueTest test : any) {
              if (test.test(values)) {
                matched = true;
                break;
              }
            }
            if (!matched) {
              return false;
            }
          }
          return true;
        };
      }

      @Override
      public BitSet candidates(View view) {
        TypeIndex index = params.index().type(type);
        BitSet found = null;
        for (List<ValueFilter> any : all) {
          BitSet either = null;
          for (ValueFilter value : any) {
            BitSet one = value.candidates(view, index, def);
            if (one == null) {
              return null;
            }
            // Each value's set is new: the first is kept, not copied (a copy of a large one costs as much as an OR).
            if (either == null) {
              either = one;
            } else {
              either.or(one);
            }
          }
          if (found == null) {
            found = either;
          } else {
            found.and(either);
          }
        }
        return found;
      }
    };
  }

  private ValueFilter one(ParamDef declared, IQueryParameterType value) {
    ParamDef def = ParamDef.matching(declared);
    if (value instanceof BaseParam base && base.getMissing() != null) {
      boolean missing = base.getMissing();
      checkMissing(def);
      return view -> values -> present(def, values) != missing;
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
      return reference(ref, p);
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

  private static void checkMissing(ParamDef def) {
    if (def instanceof ParamDef.Quantity) {
      throw new InvalidRequestException(def.name() + ": :missing is not supported for this parameter");
    }
  }

  private static boolean present(ParamDef def, Object values) {
    if (def instanceof ParamDef.Token) {
      for (Tok tok : (Tok[]) values) {
        if (tok.hasCode() || tok.text != null) {
          return true;
        }
      }
      return false;
    } else if (def instanceof ParamDef.Str string) {
      return string.words() ? ((int[]) values).length > 0 : ((String[]) values).length > 0;
    } else if (def instanceof ParamDef.Date) {
      return ((long[]) values).length > 0;
    } else if (def instanceof ParamDef.Ref) {
      return ((Link[]) values).length > 0;
    }
    return ((String[]) values).length > 0;
  }

  // ---- token ---------------------------------------------------------------------------------------------

  private ValueFilter token(ParamDef.Token def, TokenParam p) {
    TokenParamModifier modifier = p.getModifier();
    if (modifier == TokenParamModifier.TEXT) {
      String folded = Text.fold(p.getValue() == null ? "" : p.getValue().strip());
      if (folded.isEmpty()) {
        throw new InvalidRequestException(def.name() + ":text needs a value");
      }
      return new ValueFilter() {
        @Override
        public ValueTest bind(View view) {
          // Many resources share few distinct texts: each is searched once per search.
          byte[] memo = new byte[params.index().values().tokCount()];
          return values -> {
            for (Tok tok : (Tok[]) values) {
              if (textMatches(tok, folded, memo)) {
                return true;
              }
            }
            return false;
          };
        }

        @Override
        public BitSet candidates(View view, TypeIndex index, ParamDef declared) {
          return keysWhere(view, index, declared, (Tok tok) -> Text.hasWordStartingWith(tok.foldedText, folded));
        }
      };
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
    Predicate<Tok> matches = c -> {
      if (!c.hasCode()) {
        return false;
      }
      if (code != null && !code.equals(c.code)) {
        return false;
      }
      if (system == null) {
        return true;
      }
      // "|code" asks for a code without a system; "system|" for any code of the system.
      return system.isEmpty() ? c.system == null : system.equals(c.system);
    };
    boolean negate = modifier == TokenParamModifier.NOT;
    ValueTest test = values -> {
      for (Tok tok : (Tok[]) values) {
        if (matches.test(tok)) {
          return !negate;
        }
      }
      return negate;
    };
    return new ValueFilter() {
      @Override
      public ValueTest bind(View view) {
        return test;
      }

      @Override
      public BitSet candidates(View view, TypeIndex index, ParamDef declared) {
        if (negate) {
          return null;
        }
        if (declared.name().equals("_id") && code != null && (system == null || system.isEmpty())) {
          // The id is the entry's own: look it up.
          BitSet found = new BitSet();
          int ordinal = index.entries.ordinal(code);
          SearchIndex.Entry entry = ordinal < 0 ? null : view.entry(index, ordinal);
          if (entry != null && !entry.deleted()) {
            found.set(ordinal);
          }
          return found;
        }
        return keysWhere(view, index, declared, matches);
      }
    };
  }

  /**
   * The ordinals with a value that passes, when the view's postings list the parameter; {@code K} is what its lists
   * are keyed by ({@link Tok} for tokens, the value as written for strings and uris).
   */
  @SuppressWarnings("unchecked")
  private static <K> BitSet keysWhere(View view, TypeIndex index, ParamDef declared, Predicate<K> passes) {
    Postings postings = view.postings(index);
    if (!postings.has(declared)) {
      return null;
    }
    Map<Object, int[]> lists = postings.of(declared);
    List<Object> wanted = new ArrayList<>();
    for (Object key : lists.keySet()) {
      if (passes.test((K) key)) {
        wanted.add(key);
      }
    }
    return Postings.union(lists, wanted);
  }

  private static boolean textMatches(Tok tok, String folded, byte[] memo) {
    if (tok.serial < 0 || tok.serial >= memo.length) {
      return Text.hasWordStartingWith(tok.foldedText, folded);
    }
    byte known = memo[tok.serial];
    if (known == 0) {
      known = Text.hasWordStartingWith(tok.foldedText, folded) ? (byte) 1 : (byte) 2;
      memo[tok.serial] = known;
    }
    return known == 1;
  }

  // ---- string --------------------------------------------------------------------------------------------

  private ValueFilter string(ParamDef.Str def, StringParam p) {
    String value = p.getValue() == null ? "" : p.getValue();
    if (value.isEmpty()) {
      throw new InvalidRequestException(def.name() + " needs a value");
    }
    if (def.words()) {
      if (p.isExact() || p.isContains()) {
        throw new InvalidRequestException(def.name() + ": :exact and :contains are not supported; " + def.name()
            + " finds the resources that have words starting with each word of the value");
      }
      // Full text: every word of the value starts a word of the resource's text.
      List<String> words = Text.words(Text.fold(value.strip()));
      if (words.isEmpty()) {
        return view -> values -> false;
      }
      return view -> {
        List<BitSet> wanted = words.stream().map(w -> params.index().values().wordsStartingWith(w)).toList();
        return values -> {
          int[] numbers = (int[]) values;
          for (BitSet word : wanted) {
            if (!containsAny(numbers, word)) {
              return false;
            }
          }
          return true;
        };
      };
    }
    if (p.isExact()) {
      return anyString(value::equals);
    }
    String folded = Text.fold(value.strip());
    if (p.isContains()) {
      return anyString(v -> Text.fold(v).contains(folded));
    }
    return anyString(v -> Text.startsWithFolded(v, folded));
  }

  /**
   * Passes the resources with a string (or uri) value that passes; from the postings, each distinct value tested
   * once, when they list the parameter.
   */
  private static ValueFilter anyString(Predicate<String> passes) {
    ValueTest test = values -> {
      for (String v : (String[]) values) {
        if (passes.test(v)) {
          return true;
        }
      }
      return false;
    };
    return new ValueFilter() {
      @Override
      public ValueTest bind(View view) {
        return test;
      }

      @Override
      public BitSet candidates(View view, TypeIndex index, ParamDef declared) {
        return keysWhere(view, index, declared, passes);
      }
    };
  }

  private static boolean containsAny(int[] numbers, BitSet wanted) {
    for (int number : numbers) {
      if (wanted.get(number)) {
        return true;
      }
    }
    return false;
  }

  // ---- date ----------------------------------------------------------------------------------------------

  private static ValueFilter date(ParamDef.Date def, DateParam p) {
    if (p.getValue() == null) {
      throw new InvalidRequestException(def.name() + ": '" + p.getValueAsString() + "' is not a FHIR date");
    }
    DateSpan value = DateSpan.of(p.getValue(), p.getPrecision());
    ParamPrefixEnum prefix = p.getPrefix() == null ? ParamPrefixEnum.EQUAL : p.getPrefix();
    ValueTest test = values -> {
      long[] spans = (long[]) values;
      for (int i = 0; i < spans.length; i += 2) {
        if (compare(prefix, value, new DateSpan(spans[i], spans[i + 1]))) {
          return true;
        }
      }
      return false;
    };
    return view -> test;
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

  private ValueFilter reference(ParamDef.Ref def, ReferenceParam p) {
    String targetType = p.hasResourceType() ? p.getResourceType() : null;
    if (targetType != null && !def.targets().contains(targetType)) {
      throw new InvalidRequestException(
          def.name() + ": " + targetType + " is not a target of this parameter (targets: " + def.targets() + ")");
    }
    if (p.hasChain()) {
      return chained(def, p, targetType);
    }
    String idPart = p.getIdPart();
    if (idPart == null || idPart.isEmpty()) {
      throw new InvalidRequestException(def.name() + " needs a reference: Type/id, id or a URL");
    }
    String raw = p.getValue();
    return view -> values -> {
      for (Link link : (Link[]) values) {
        if (link.reference.equals(raw)) {
          return true;
        }
        String key = view.key(link);
        if (key != null && keyMatches(key, targetType, idPart)) {
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

  /**
   * {@code site.address-country=China}: the referenced resource must match the chained parameter. The matching
   * resources of each target type are found once per search, then each reference is looked up among them.
   */
  private ValueFilter chained(ParamDef.Ref def, ReferenceParam p, String targetType) {
    String chain = p.getChain();
    List<String> types = targetType != null ? List.of(targetType) : List.copyOf(def.targets());
    List<String> withParam = types.stream().filter(t -> params.find(t, chain).isPresent()).toList();
    if (withParam.isEmpty() || chain.contains(".")) {
      throw new InvalidRequestException(
          def.name() + "." + chain + ": " + types + " has no search parameter '" + chain + "' to chain to");
    }
    List<String> chainedTypes = new ArrayList<>();
    List<Filter> tests = new ArrayList<>();
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
      ValueFilter one = one(target, chainedValue);
      chainedTypes.add(t);
      tests.add(new Filter() {
        @Override
        public EntryTest bind(View view) {
          TypeIndex index = params.index().type(t);
          ValueTest test = one.bind(view);
          SearchIndex.Values source = view.values(index, target);
          return (ordinal, entry) -> test.test(source.of(ordinal, entry));
        }

        @Override
        public BitSet candidates(View view) {
          return one.candidates(view, params.index().type(t), target);
        }
      });
    }
    return new ValueFilter() {
      @Override
      public ValueTest bind(View view) {
        List<BitSet> matching = matching(view);
        return values -> {
          for (Link link : (Link[]) values) {
            int at = chainedTypes.indexOf(link.type);
            if (at >= 0) {
              int ordinal = view.resolve(link);
              if (ordinal >= 0 && matching.get(at).get(ordinal)) {
                return true;
              }
            }
          }
          return false;
        };
      }

      /**
       * Those that reference a matching resource: the matching targets from the target type's postings (a walk over
       * the targets when they cannot tell), then their referrers by target ordinal.
       */
      @Override
      public BitSet candidates(View view, TypeIndex index, ParamDef declared) {
        Postings postings = view.postings(index);
        if (!postings.has(declared)) {
          return null;
        }
        List<BitSet> matching = matching(view);
        BitSet found = new BitSet();
        for (int i = 0; i < chainedTypes.size(); i++) {
          found.or(postings.referring(declared, params.index().type(chainedTypes.get(i)), matching.get(i)));
        }
        return found;
      }

      private List<BitSet> matching(View view) {
        List<BitSet> matching = new ArrayList<>();
        for (int i = 0; i < chainedTypes.size(); i++) {
          TypeIndex target = params.index().type(chainedTypes.get(i));
          Filter test = tests.get(i);
          BitSet exact = test.candidates(view);
          matching.add(exact != null ? exact : matchingOrdinals(target, test.bind(view), view));
        }
        return matching;
      }
    };
  }

  /** The ordinals of the type's current resources the test accepts, as of the view. */
  static BitSet matchingOrdinals(TypeIndex index, EntryTest test, View view) {
    BitSet found = new BitSet();
    for (int ordinal = 0, count = index.entries.count(); ordinal < count; ordinal++) {
      Entry entry = view.entry(index, ordinal);
      if (entry != null && !entry.deleted() && test.test(ordinal, entry)) {
        found.set(ordinal);
      }
    }
    return found;
  }

  // ---- uri -----------------------------------------------------------------------------------------------

  private static ValueFilter uri(ParamDef.Uri def, UriParam p) {
    String value = p.getValue();
    if (value == null || value.isEmpty()) {
      throw new InvalidRequestException(def.name() + " needs a URI");
    }
    UriParamQualifierEnum qualifier = p.getQualifier();
    return anyString(v -> qualifier == UriParamQualifierEnum.BELOW ? v.startsWith(value)
        : qualifier == UriParamQualifierEnum.ABOVE ? value.startsWith(v)
        : v.equals(value));
  }

  // ---- quantity ------------------------------------------------------------------------------------------

  private static ValueFilter quantity(ParamDef.Quantity def, QuantityParam p) {
    if (p.getValue() == null) {
      throw new InvalidRequestException(def.name() + ": '" + p.getValueAsQueryToken() + "' is not a number");
    }
    if (p.getPrefix() != null && p.getPrefix() != ParamPrefixEnum.EQUAL) {
      throw new InvalidRequestException(
          def.name() + ": the prefix " + p.getPrefix().getValue() + " is not supported; give the value alone");
    }
    Predicate<Object> rule;
    try {
      rule = def.rule().apply(p);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(def.name() + ": " + e.getMessage());
    }
    return view -> rule::test;
  }
}
