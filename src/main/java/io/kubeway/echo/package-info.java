/**
 * The demo and test backend ({@code kubeway echo}): HTTP/1.1 answers describing the request, raw TCP and
 * UDP echo, all on one address and port. See {@link io.kubeway.echo.EchoServer}.
 */
package io.kubeway.echo;
