import { Controller, Get, HttpCode, Post, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { LoginDto } from './login.dto.js';
import { LoginGuard } from './login.guard.js';
import type { SampleUser } from './sample-user.model.js';

/** The sample's session login: `POST /login`, `POST /logout`, `GET /me`. */
@ApiTags('session')
@Controller()
export class AuthController {
  /** Logs in with a username and password (JSON); the session cookie comes back in `Set-Cookie`. */
  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginGuard)
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ description: 'Logged in; the session cookie is set.' })
  @ApiUnauthorizedResponse({ description: 'Invalid username or password.' })
  login(@Req() req: { user: SampleUser }): { user: SampleUser } {
    return { user: req.user };
  }

  /** Ends the session. */
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: any): Promise<void> {
    await new Promise<void>((resolve, reject) => req.logout((err: unknown) => (err ? reject(err) : resolve())));
  }

  /** The logged-in user, or 401. */
  @Get('me')
  @ApiOkResponse({ description: 'The logged-in user.' })
  @ApiUnauthorizedResponse({ description: 'Not logged in.' })
  me(@Req() req: { user?: SampleUser }): { user: SampleUser } {
    if (!req.user) throw new UnauthorizedException('Not logged in.');
    return { user: req.user };
  }
}
