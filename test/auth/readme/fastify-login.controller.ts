import { Body, Controller, HttpCode, Post, Req, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UserRepository, type User } from './user.repository.js';

declare module 'fastify' {
  interface Session {
    user?: User;
  }
}

@Controller()
export class LoginController {
  constructor(private readonly users: UserRepository) {}

  @Post('login')
  @HttpCode(200)
  async login(@Req() req: FastifyRequest, @Body() body: { username: string; password: string }) {
    const user = await this.users.checkPassword(body.username, body.password);
    if (!user) throw new UnauthorizedException();
    await req.session.regenerate(); // a new session id at login
    req.session.user = user; // SessionAuth reads request.session.user
    return { username: user.username };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Req() req: FastifyRequest) {
    await req.session.destroy();
    return { ok: true };
  }
}
