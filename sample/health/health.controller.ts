import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';

/**
 * `GET /healthz`: 200 as soon as the app serves HTTP. The load balancer's
 * health check (deploy/haproxy/haproxy.cfg) asks it every 2 s, so it does no
 * work: no database, no Redis. A process whose Redis is away still answers
 * (its calls fail fast and it reconnects by itself); taking it out would not
 * help, since every process shares that Redis.
 */
@Controller()
export class HealthController {
  @Get('healthz')
  @Header('cache-control', 'no-store')
  @ApiExcludeEndpoint()
  healthz(): { ok: true } {
    return { ok: true };
  }
}
