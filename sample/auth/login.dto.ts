import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/** Body of `POST /login`. */
export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @MaxLength(100)
  username!: string;

  @ApiProperty({ example: 'admin' })
  @IsString()
  @MaxLength(200)
  password!: string;
}
