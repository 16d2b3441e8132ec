package org.trialfhir.server.search;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.param.QuantityParam;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Resource;

/**
 * How one search parameter reads a resource: its name, its FHIR type and the values it extracts. The matching
 * rules per type are in {@link Predicates}; {@link SearchParams} holds the definitions of every type served.
 */
public sealed interface ParamDef {


  String name();

  RestSearchParameterTypeEnum type();

  /**
   * A token: codes with systems, identifiers, enumerations. {@code codes}, when not empty, are the only codes the
   * parameter accepts (a value outside them is an error, not an empty result).
   */
  record Token(String name, Function<Resource, List<Coded>> values, Set<String> codes) implements ParamDef {
    public Token(String name, Function<Resource, List<Coded>> values) {
      this(name, values, Set.of());
    }

    @Override
    public RestSearchParameterTypeEnum type() {
      return RestSearchParameterTypeEnum.TOKEN;
    }
  }

  /**
   * A string: by default a value matches a resource value that starts with it, ignoring case and accents.
   * {@code words} changes that to "a word of the value starts with it", for full-text parameters ({@code _content}).
   */
  record Str(String name, Function<Resource, List<String>> values, boolean words) implements ParamDef {
    public Str(String name, Function<Resource, List<String>> values) {
      this(name, values, false);
    }

    @Override
    public RestSearchParameterTypeEnum type() {
      return RestSearchParameterTypeEnum.STRING;
    }
  }

  /** A date: the spans the resource covers, compared with the FHIR prefixes. */
  record Date(String name, Function<Resource, List<DateSpan>> values) implements ParamDef {
    @Override
    public RestSearchParameterTypeEnum type() {
      return RestSearchParameterTypeEnum.DATE;
    }
  }

  /**
   * A reference: the literal references ({@code Group/NCT1-eligibility}) or canonical URLs the resource holds, and
   * the resource types they may point to (which also serve {@code _include} and {@code _revinclude}).
   */
  record Ref(String name, Set<String> targets, Function<Resource, List<String>> references) implements ParamDef {
    @Override
    public RestSearchParameterTypeEnum type() {
      return RestSearchParameterTypeEnum.REFERENCE;
    }
  }

  /** A URI: exact match, or {@code :below}/{@code :above} by prefix. */
  record Uri(String name, Function<Resource, List<String>> values) implements ParamDef {
    @Override
    public RestSearchParameterTypeEnum type() {
      return RestSearchParameterTypeEnum.URI;
    }
  }

  /**
   * A quantity tested by a rule of its own (such as "the study's age range admits this age"): {@code values} reads
   * what the rule needs from a resource (or from none: null), once per stored version; given a request's value
   * without a prefix, {@code rule} returns the test on what was read, or throws {@link IllegalArgumentException} with
   * a message for a value it cannot use (such as a unit it does not know).
   */
  record Quantity(String name, Function<Resource, Object> values, Function<QuantityParam, Predicate<Object>> rule)
      implements ParamDef {
    @Override
    public RestSearchParameterTypeEnum type() {
      return RestSearchParameterTypeEnum.QUANTITY;
    }
  }

  /**
   * A parameter whose values are another resource's: {@code target} read from the first resource of type
   * {@code targetType} that this type's reference parameter {@code via} resolves to, or from none (its extractor given
   * null) when none resolves. Read when searching, so it follows changes of the other resource.
   */
  record Through(String via, String targetType, ParamDef target) implements ParamDef {
    @Override
    public String name() {
      return target.name();
    }

    @Override
    public RestSearchParameterTypeEnum type() {
      return target.type();
    }
  }

  /** The definition that says how values match: the target of a {@link Through}, else the definition itself. */
  static ParamDef matching(ParamDef def) {
    return def instanceof Through through ? through.target() : def;
  }
}
