package org.trialfhir.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * Ends the body of a refused request that was never read (a refusal by HAPI's routing, {@link ReadOnlyRules}, or an
 * operation's own check): what of it has arrived is dropped, without waiting for more, and when more is still to come
 * the answer says {@code Connection: close} (RFC 9112 section 9.6). Jetty closes such a connection once it has
 * answered, as it cannot tell where the next request starts; without the header a client sends its next request on
 * that connection and gets no answer at all (seen in CI after a 401, and after a {@code $match} 400). Never waiting
 * for the rest keeps a client without a token from making the server read up to {@link ReadOnlyRules#MAX_BODY_BYTES}.
 * It runs inside {@link ResponseBufferingFilter}, so the answer is not yet sent when it looks.
 */
final class UnreadBodyFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    chain.doFilter(request, response);
    if (response.getStatus() >= 400 && !response.isCommitted() && hasBody(request)) {
      ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
      if (jetty == null || !jetty.consumeAvailable()) {
        response.setHeader("Connection", "close");
      }
    }
  }

  private static boolean hasBody(HttpServletRequest request) {
    return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
  }
}
