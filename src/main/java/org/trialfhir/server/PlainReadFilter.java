package org.trialfhir.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Lets {@link PlainReads} answer a plain read before the request reaches HAPI's servlet, and passes on every other
 * request (and every request before the servlet is initialised, or when its interceptors rule the fast path out).
 * It runs inside {@link ResponseBufferingFilter}, so a gzip answer is sent in one write with a length, as HAPI's is.
 */
final class PlainReadFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  private final transient TrialFhirServer servlet;

  PlainReadFilter(TrialFhirServer servlet) {
    this.servlet = servlet;
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    PlainReads reads = servlet.plainReads();
    if (reads == null || !reads.answer(request, response)) {
      chain.doFilter(request, response);
    }
  }
}
