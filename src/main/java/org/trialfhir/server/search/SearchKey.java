package org.trialfhir.server.search;

import ca.uhn.fhir.model.api.IQueryParameterAnd;
import ca.uhn.fhir.model.api.IQueryParameterOr;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.BaseParam;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.QuantityParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;

/**
 * What a search asks, as a string equal for two searches exactly when they ask the same ({@link ResultCache}'s key):
 * the type, then per parameter its name and every part of each value that {@link Predicates} reads (a token's
 * modifier, system — none and empty apart — and code; a reference's type, chain and value as written; a date's prefix
 * and value as given), then the sort. HAPI's own query tokens will not do: a reference's drops its base URL. Each
 * part is written with its length, so no value can pass for two. A value of a kind not listed here makes the search
 * one that is not kept ({@link #cacheable}).
 */
final class SearchKey {
  private final StringBuilder key = new StringBuilder();
  private boolean cacheable = true;

  SearchKey(String type) {
    part(type);
  }

  /** Adds a parameter's AND-list of OR-lists, in the order given. */
  void add(String name, IQueryParameterAnd<?> and) {
    key.append('&');
    part(name);
    for (IQueryParameterOr<?> or : and.getValuesAsQueryTokens()) {
      key.append('[');
      for (IQueryParameterType value : or.getValuesAsQueryTokens()) {
        value(value);
      }
      key.append(']');
    }
  }

  /** Adds the sort, every level with its direction. */
  void sort(SortSpec sort) {
    key.append("&_sort");
    for (SortSpec spec = sort; spec != null; spec = spec.getChain()) {
      part(spec.getParamName());
      part(String.valueOf(spec.getOrder()));
    }
  }

  /** Whether every value was of a kind this can describe. */
  boolean cacheable() {
    return cacheable;
  }

  @Override
  public String toString() {
    return key.toString();
  }

  private void value(IQueryParameterType value) {
    key.append('(');
    part(value.getClass().getName());
    if (value instanceof BaseParam base && base.getMissing() != null) {
      part("missing");
      part(base.getMissing().toString());
    } else if (value instanceof TokenParam p) {
      part(p.getModifier() == null ? null : p.getModifier().name());
      part(p.getSystem());
      part(p.getValue());
    } else if (value instanceof StringParam p) {
      part(p.isExact() ? "exact" : p.isContains() ? "contains" : "");
      part(p.getValue());
    } else if (value instanceof DateParam p) {
      part(p.getPrefix() == null ? null : p.getPrefix().name());
      part(p.getValueAsString());
    } else if (value instanceof ReferenceParam p) {
      part(p.getResourceType());
      part(p.getChain());
      part(p.getValue());
      part(p.getQueryParameterQualifier());
    } else if (value instanceof UriParam p) {
      part(p.getQualifier() == null ? null : p.getQualifier().name());
      part(p.getValue());
    } else if (value instanceof QuantityParam p) {
      part(p.getPrefix() == null ? null : p.getPrefix().name());
      part(p.getValue() == null ? null : p.getValue().toString());
      part(p.getSystem());
      part(p.getUnits());
    } else {
      cacheable = false;
    }
    key.append(')');
  }

  /** A part, with its length first; null (none) apart from every string. */
  private void part(String part) {
    if (part == null) {
      key.append('-');
    } else {
      key.append(part.length()).append(':').append(part);
    }
  }
}
